/**
 * `sluice synth` as a process: validates, synthesizes the stacks offline into the chosen
 * directory, and refuses specs that cannot be deployed.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sluice } from '../support/cli.ts';

describe('sluice synth', () => {
  it('synthesizes the quickstart into -o dir without credentials', () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-synth-'));
    const r = sluice(['synth', 'examples/quickstart.yaml', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Sluice-quickstart-default');
    const template = JSON.parse(readFileSync(join(out, 'Sluice-quickstart-default.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    for (const t of ['AWS::Lambda::Function', 'AWS::ApiGateway::RestApi', 'AWS::CloudFront::Distribution', 'AWS::KinesisFirehose::DeliveryStream']) expect(types).toContain(t);
  });

  it('exits 1 without synthesizing when a provider key exists only as an environment variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-synth-'));
    writeFileSync(
      join(dir, 'gateway.yaml'),
      `version: 1
gateway: { name: envonly, auth: none }
providers:
  openai: { type: openai, api_key: { env: OPENAI_API_KEY } }
routes:
  chat: { strategy: openai/gpt-4o-mini }
`,
    );
    const r = sluice(['synth', '-o', 'out'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('warning credential-env-only');
    expect(r.stderr).toContain('cannot deploy');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits 1 with diagnostics for an invalid spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-synth-'));
    writeFileSync(join(dir, 'gateway.yaml'), 'version: 1\ngateway: { name: x, auth: none }\nproviders: {}\nroutes: {}\n');
    const r = sluice(['synth'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('gateway.yaml:3:12: error out-of-range: needs at least 1 entry');
  });
});
