/**
 * `sluice diff` as a process: exit 0 without changes, 1 with changes, 2 on errors; text,
 * markdown and JSON output; a base read from git with git:REF:path.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sluice } from '../support/cli.ts';

const EXAMPLE = join(ROOT, 'examples', 'multi-provider.yaml');
let repo: string;

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: repo, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'sluice-diff-'));
  git('init', '-q', '-b', 'main');
  copyFileSync(EXAMPLE, join(repo, 'gateway.yaml'));
  git('add', 'gateway.yaml');
  git('commit', '-q', '-m', 'base');
  const head = readFileSync(EXAMPLE, 'utf8').replace('requests: 600', 'requests: 1200').replace('bodies: false', 'bodies: true');
  writeFileSync(join(repo, 'gateway.yaml'), head);
  writeFileSync(join(repo, 'broken.yaml'), 'version: 1\ngateway: { name: x }\n');
});

describe('sluice diff', () => {
  it('exits 0 and says so when nothing changed', () => {
    const r = sluice(['diff', EXAMPLE, EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No behaviour changes.');
  });

  it('exits 1 and lists the changes, flagged, against a base read from git', () => {
    const r = sluice(['diff', 'git:HEAD:gateway.yaml', 'gateway.yaml'], repo);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('consumer team-search: requests limit 600/min → 1200/min [loosens security] [raises spend]');
    expect(r.stdout).toContain('logging: bodies turned on [loosens security]');
  });

  it('prints markdown for a pull-request comment', () => {
    const r = sluice(['diff', 'git:main:gateway.yaml', 'gateway.yaml', '--format', 'markdown'], repo);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^### Sluice diff: `acme-ai`/);
    expect(r.stdout).toContain('Needs a careful look');
  });

  it('prints versioned JSON', () => {
    const r = sluice(['diff', 'git:HEAD:gateway.yaml', 'gateway.yaml', '--format', 'json'], repo);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { version: number; changes: { subject: string; flags: string[] }[]; summary: { loosensSecurity: number } };
    expect(out.version).toBe(1);
    expect(out.changes.map((c) => c.subject)).toEqual(['consumer team-search', 'logging']);
    expect(out.summary.loosensSecurity).toBe(2);
  });

  it.each([
    [['diff', 'gateway.yaml'], 'needs two specs'],
    [['diff', 'git:HEAD', 'gateway.yaml'], 'must look like git:REF:path'],
    [['diff', 'git:no-such-ref:gateway.yaml', 'gateway.yaml'], 'cannot read gateway.yaml at git revision no-such-ref'],
    [['diff', 'gateway.yaml', 'missing.yaml'], 'cannot read missing.yaml'],
    [['diff', 'gateway.yaml', 'broken.yaml'], 'cannot compare specs that do not compile'],
    [['diff', 'gateway.yaml', 'gateway.yaml', '--format', 'html'], '--format must be one of text, markdown, json'],
  ])('exits 2 on errors: %j', (args, message) => {
    const r = sluice(args, repo);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
