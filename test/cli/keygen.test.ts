/** `sluice keygen` as a process: a fresh URL-safe key each run whose SHA-256 the compiler accepts and the runtime computes alike; the key never reaches stderr. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.ts';
import { keyHash, presentedKey } from '../../runtime/core/identify.ts';
import { sluice } from '../support/cli.ts';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

interface KeygenJson {
  key: string;
  sha256: string;
  label: string | null;
}

function json(args: readonly string[] = []): KeygenJson {
  const r = sluice(['keygen', '--format', 'json', ...args]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as KeygenJson;
}

/** A spec whose consumer `team` has exactly the pasted `keys:` entry (the snippet is indented for this layout). */
function specWith(snippet: string): string {
  return `version: 1
gateway:
  name: keygen
  auth: keys
providers:
  mock:
    type: mock
routes:
  chat:
    strategy: mock/mock-small
consumers:
  team:
    keys:
${snippet}
`;
}

describe('sluice keygen', () => {
  it('prints a prefixed, URL-safe key with 256 random bits and its lower-case hex SHA-256', () => {
    const { key, sha256: hash, label } = json();
    expect(key).toMatch(/^sk-sluice-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice('sk-sluice-'.length), 'base64url')).toHaveLength(32);
    expect(hash).toBe(sha256(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(label).toBeNull();
    // The runtime extracts the key from a Bearer header unchanged and hashes it the same way.
    expect(presentedKey({ get: (n) => (n === 'authorization' ? `Bearer ${key}` : null) })).toBe(key);
    expect(keyHash(key)).toBe(hash);
  });

  it('makes a different key on every run', () => {
    const a = json();
    const b = json();
    expect(a.key).not.toBe(b.key);
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('takes --prefix and --label', () => {
    const { key, sha256: hash, label } = json(['--prefix', 'acme', '--label', '2026-q4']);
    expect(key).toMatch(/^acme-[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(sha256(key));
    expect(label).toBe('2026-q4');
  });

  it('prints text with a keys: snippet the compiler accepts, the key only on stdout', () => {
    const r = sluice(['keygen', '--label', 'team: "ops" #1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const key = /^ {2}(sk-sluice-\S+)$/m.exec(r.stdout)?.[1];
    const hash = /^ {2}([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
    expect(key).toBeDefined();
    expect(hash).toBe(sha256(key!));
    expect(r.stdout).toMatch(/Sluice never stores it/);
    const snippet = r.stdout.slice(r.stdout.indexOf('      # '));
    expect(snippet).not.toContain(key!);
    const result = compileSource(specWith(snippet.trimEnd()), { file: 'gateway.yaml', now: Date.UTC(2026, 10, 25) });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.plan?.consumers.team?.keys).toEqual([{ kind: 'sha256', sha256: hash, label: 'team: "ops" #1', expiresAt: null }]);
  });

  it('refuses usage errors with exit 2 and a one-line message, printing no key', () => {
    for (const args of [['--format', 'yaml'], ['--prefix', 'has space'], ['--prefix', ''], ['--label', 'x'.repeat(65)], ['extra'], ['--nope']]) {
      const r = sluice(['keygen', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^sluice: keygen: .+\n$/);
    }
  });

  it('is listed in help', () => {
    expect(sluice(['help']).stdout).toContain('sluice keygen   [--prefix sk-sluice] [--label L] [--format text|json]');
  });
});
