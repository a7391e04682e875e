/** Renderings: golden text, markdown and JSON of one rich diff; colors; empty diffs; truncation. */
import { describe, expect, it } from 'vitest';
import { diffPlans, formatDiff, type Change, type PlanDiff } from '../../../compiler/diff/index.ts';
import { summarize } from '../../../compiler/diff/diff-plans.ts';
import { MARKDOWN_MAX_LINES, escapeMarkdown } from '../../../compiler/diff/render/markdown.ts';
import { expectGolden } from './golden.ts';
import { DEFAULT_PLAN, makePlan } from './plan-factory.ts';
import { RICH_HEAD } from './rich-diff.ts';

const RICH = diffPlans(DEFAULT_PLAN, RICH_HEAD);
const EMPTY = diffPlans(DEFAULT_PLAN, makePlan({ hash: 'sha256:ffffffffffffffff' }));

/** A diff with `n` synthetic changes, to exercise truncation. */
function manyChanges(n: number): PlanDiff {
  const changes: Change[] = Array.from({ length: n }, (_, i) => ({
    section: 'routes',
    subject: `route r${String(i).padStart(4, '0')}`,
    action: 'added',
    message: `route r${String(i).padStart(4, '0')}: added: openai/gpt-4o-mini`,
    flags: i % 10 === 0 ? ['raises-spend'] : [],
  }));
  return { ...RICH, changes, summary: summarize(changes) };
}

describe('diff: renderings', () => {
  it('text golden', () => expectGolden('rich.txt', formatDiff(RICH, 'text')));
  it('markdown golden', () => expectGolden('rich.md', formatDiff(RICH, 'markdown')));
  it('json golden', () => expectGolden('rich.json', formatDiff(RICH, 'json')));

  it('the rich diff touches every section', () => {
    expect(new Set(RICH.changes.map((c) => c.section))).toEqual(
      new Set(['gateway', 'providers', 'routes', 'consumers', 'limits', 'cache', 'logging', 'edge', 'guardrails', 'prices']),
    );
  });

  it('json parses back to the same diff', () => {
    expect(JSON.parse(formatDiff(RICH, 'json'))).toEqual(JSON.parse(JSON.stringify(RICH)));
  });

  it('text ends with the one-line summary', () => {
    const lines = formatDiff(RICH, 'text').trimEnd().split('\n');
    const s = RICH.summary;
    expect(lines.at(-1)).toBe(
      `${RICH.changes.length} changes: ${s.added} added, ${s.changed} changed, ${s.removed} removed; ${s.loosensSecurity} loosen security, ${s.raisesSpend} raise spend`,
    );
  });

  it('summary agrees in number with one change', () => {
    const one = diffPlans(DEFAULT_PLAN, makePlan({ gateway: { auth: 'none' } }));
    expect(formatDiff(one, 'text').trimEnd().split('\n').at(-1)).toBe('1 change: 0 added, 1 changed, 0 removed; 1 loosens security, 0 raise spend');
  });

  it('color only when asked', () => {
    expect(formatDiff(RICH, 'text')).not.toContain('\u001b[');
    const colored = formatDiff(RICH, 'text', { color: true });
    expect(colored).toContain('\u001b[33m~ gateway: auth keys → none\u001b[0m \u001b[1;31m[loosens security]\u001b[0m');
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(formatDiff(RICH, 'text'));
    expect(formatDiff(RICH, 'markdown')).toBe(formatDiff(RICH, 'markdown', { color: true }));
  });

  it('empty diffs', () => {
    expect(formatDiff(EMPTY, 'text')).toBe('No behaviour changes.\n');
    expect(formatDiff(EMPTY, 'markdown')).toBe(
      '### Sluice diff: `acme-ai` (stage `prod`) `0123456789ab` → `ffffffffffff`\n\nNo behaviour changes.\n',
    );
    expect(JSON.parse(formatDiff(EMPTY, 'json'))).toMatchObject({ version: 1, changes: [], summary: { added: 0, changed: 0, removed: 0 } });
  });

  it('markdown truncates huge diffs with a note and stays under the comment limit', () => {
    const out = formatDiff(manyChanges(1000), 'markdown');
    const listed = out.split('\n').filter((l) => l.startsWith('- ')).length;
    expect(listed).toBe(MARKDOWN_MAX_LINES);
    expect(out).toContain('_… 800 more lines not shown to fit a comment;');
    expect(out.length).toBeLessThan(65_536);
  });

  it('markdown lists every change of a diff within budget', () => {
    const out = formatDiff(manyChanges(100), 'markdown');
    expect(out.split('\n').filter((l) => l.startsWith('- ')).length).toBe(110);
    expect(out).not.toContain('not shown');
  });

  it('markdown escapes what markdown would interpret', () => {
    expect(escapeMarkdown('a*b_c `d` [e](f) <g> |h| ~i~ #j & k\\ $4/M → $5/M')).toBe(
      'a\\*b\\_c \\`d\\` \\[e\\](f) \\<g\\> \\|h\\| \\~i\\~ \\#j &amp; k\\\\ \\$4/M → \\$5/M',
    );
  });
});
