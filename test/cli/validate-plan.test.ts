/**
 * `sluice validate` and `sluice plan` as processes: exit statuses, output formats, and
 * no stack traces or secrets on bad input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sluice } from '../support/cli.ts';

const BAD = `version: 1
gateway:
  name: demo
  auth: none
providers:
  openai:
    type: openai
    api_key: sk-live-abcdefghijklmnopqrstuvwxyz0123
routes:
  chat:
    strategy:
      fallback: [openai/gpt-4o-mini, { target: openai/gpt-4o, wieght: 2 }]
`;

function tempSpec(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  writeFileSync(join(dir, 'gateway.yaml'), text);
  return { dir, file: join(dir, 'gateway.yaml') };
}

describe('sluice validate', () => {
  it('exits 0 for a valid spec', () => {
    const r = sluice(['validate', 'examples/quickstart.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('examples/quickstart.yaml: valid');
  });

  it('exits 1 with every diagnostic as file:line:col, a caret, and no secret', () => {
    const { dir } = tempSpec(BAD);
    const r = sluice(['validate'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('gateway.yaml:8:14: error secret-literal:');
    expect(r.stdout).toContain('gateway.yaml:12:63: error unknown-key: unknown key "wieght"; did you mean "weight"?');
    expect(r.stdout).toMatch(/\n\s+12 \|.*\n\s+\| {63}\^{6}\n/);
    expect(r.stdout + r.stderr).not.toContain('sk-live-abcdefghijklmnopqrstuvwxyz0123');
    expect(r.stdout + r.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
  });

  it('prints GitHub annotations', () => {
    const { dir } = tempSpec(BAD);
    const r = sluice(['validate', 'gateway.yaml', '--format', 'github'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toContain('::error file=gateway.yaml,line=12,col=63,endLine=12,endColumn=69,title=sluice unknown-key::unknown key "wieght"; did you mean "weight"?');
  });

  it('prints versioned JSON', () => {
    const { dir } = tempSpec(BAD);
    const r = sluice(['validate', '--format=json'], dir);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { version: number; valid: boolean; diagnostics: { code: string; line: number; col: number; docs: string }[] };
    expect(out.version).toBe(1);
    expect(out.valid).toBe(false);
    expect(out.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['secret-literal', 8, 14], ['unknown-key', 12, 63]]);
    expect(out.diagnostics[1]!.docs).toBe('docs/diagnostics.md#unknown-key');
  });

  it.each([
    [['validate', 'does-not-exist.yaml'], 'cannot read does-not-exist.yaml: no such file'],
    [['validate', 'examples'], 'cannot read examples: it is a directory'],
    [['validate', 'examples/quickstart.yaml', '--format', 'xml'], '--format must be one of text, json, github'],
    [['validate', 'a.yaml', 'b.yaml'], 'unexpected argument "b.yaml"'],
    [['validate', '--bogus'], "Unknown option '--bogus'"],
    [['frobnicate'], 'unknown command "frobnicate"'],
  ])('exits 2 on usage errors: %j', (args, message) => {
    const r = sluice(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
  });

  it('defaults to gateway.yaml in the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const r = sluice(['validate'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read gateway.yaml: no such file');
  });

  it('validates a stage and reports an unknown one', () => {
    expect(sluice(['validate', 'examples/multi-provider.yaml', '--stage', 'prod']).status).toBe(0);
    const r = sluice(['validate', 'examples/multi-provider.yaml', '--stage', 'qa']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('error unknown-stage: stage "qa" is not declared; declared stages: dev, prod');
  });
});

describe('sluice plan', () => {
  it('prints the canonical Plan JSON', () => {
    const r = sluice(['plan', 'examples/quickstart.yaml']);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as { format: string; hash: string; routes: Record<string, unknown> };
    expect(plan.format).toBe('sluice.plan/v1');
    expect(plan.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.keys(plan.routes)).toEqual(['chat', 'embed']);
  });

  it('writes the Plan to a file with -o', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const r = sluice(['plan', 'examples/quickstart.yaml', '-o', join(dir, 'plan.json')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/wrote .*plan\.json \(sha256:/);
  });

  it('exits 1 and prints diagnostics to stderr for an invalid spec', () => {
    const { dir } = tempSpec(BAD);
    const r = sluice(['plan'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error unknown-key');
  });
});
