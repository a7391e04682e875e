/** Redaction of logged bodies and metadata, the logged client IP, and body caps in records. */
import { describe, expect, it } from 'vitest';
import { loggedIp, MAX_LOGGED_BODY_CHARS, RecordDraft } from '../../runtime/log/draft.ts';
import { redactor, redactValue } from '../../runtime/log/redact.ts';
import type { PlanRedaction } from '../../runtime/plan.ts';
import { planFrom } from '../support/compile.ts';

/** An AWS access key id in its shape (assembled, so the repository holds no key-shaped literal). */
const AWS_KEY_ID = ['AKIA', 'TESTONLY', 'NOTAKEY0'].join('');

const builtin = (name: Extract<PlanRedaction, { kind: 'builtin' }>['name']): PlanRedaction => ({ kind: 'builtin', name });

describe('redactor', () => {
  it.each([
    ['email', 'write to jane.doe+ai@example.co.uk today', 'write to [redacted:email] today'],
    ['phone', 'call +1 (415) 555-0100 now', 'call [redacted:phone] now'],
    ['credit-card', 'card 4111 1111 1111 1111 exp', 'card [redacted:credit-card] exp'],
    ['credit-card', 'card 4111-1111-1111-1111', 'card [redacted:credit-card]'],
    ['api-key', `key sk-proj-AbCdEfGhIjKlMnOpQrSt and ${AWS_KEY_ID}`, 'key [redacted:api-key] and [redacted:api-key]'],
    ['api-key', 'anthropic sk-ant-api03-abcdefghijklmnop1234', 'anthropic [redacted:api-key]'],
    ['api-key', 'google AIzaSyA-abcdefghijklmnopqrstuvwxyz0123456', 'google [redacted:api-key]'],
    ['ip', 'from 203.0.113.7 and 2001:db8::1', 'from [redacted:ip] and [redacted:ip]'],
    ['ip', 'at 12:30:45 version 1.2.3 and 999.1.1.1', 'at 12:30:45 version 1.2.3 and 999.1.1.1'],
    ['credit-card', 'order 1234 5678 9012 3456', 'order 1234 5678 9012 3456'],
  ] as const)('%s: %s', (name, text, want) => {
    expect(redactor([builtin(name)])(text)).toBe(want);
  });

  it('leaves ordinary text and short numbers alone', () => {
    const r = redactor([builtin('email'), builtin('credit-card'), builtin('api-key'), builtin('phone')]);
    expect(r('Order 12345 shipped on 2026-11-25; ask-me anything')).toBe('Order 12345 shipped on 2026-11-25; ask-me anything');
  });

  it('applies spec patterns with their names, every match, in Unicode mode', () => {
    const r = redactor([{ kind: 'pattern', name: 'ticket', pattern: 'TCK-[0-9]{6}' }, { kind: 'pattern', name: 'name', pattern: 'Zoë\\p{L}*' }]);
    expect(r('TCK-000001, TCK-999999 for Zoëlle')).toBe('[redacted:ticket], [redacted:ticket] for [redacted:name]');
  });

  it('redacts every string inside JSON values, keys untouched', () => {
    const r = redactor([builtin('email')]);
    expect(redactValue({ a: ['x@y.io', 1, null, { b: 'to a@b.cd' }], 'c@d.ef': true }, r)).toEqual({ a: ['[redacted:email]', 1, null, { b: 'to [redacted:email]' }], 'c@d.ef': true });
  });
});

describe('records', () => {
  const yaml = (logging: string) => `version: 1
gateway: { name: rec, auth: none }
providers: { m: { type: mock } }
routes: { chat: { aliases: [chat], strategy: m/echo } }
logging: ${logging}
`;

  it('hashes the client IP per gateway by default, keeps or drops it as the spec says', () => {
    const hashed = planFrom(yaml('{ client_ip: hashed }'));
    const a = loggedIp(hashed, '203.0.113.7');
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(loggedIp(hashed, '203.0.113.7')).toBe(a);
    expect(loggedIp(hashed, '203.0.113.8')).not.toBe(a);
    expect(loggedIp(planFrom(yaml('{ client_ip: hashed }').replace('name: rec', 'name: other')), '203.0.113.7')).not.toBe(a);
    expect(loggedIp(planFrom(yaml('{ client_ip: full }')), '203.0.113.7')).toBe('203.0.113.7');
    expect(loggedIp(planFrom(yaml('{ client_ip: none }')), '203.0.113.7')).toBeNull();
    expect(loggedIp(hashed, null)).toBeNull();
  });

  it('keeps bodies only when asked, redacted and capped', () => {
    const off = new RecordDraft(planFrom(yaml('{ bodies: false }')), 'id', 0, 'chat', 'POST', '/v1/chat/completions', null);
    off.keepRequestBody({ messages: [{ content: 'x@y.io' }] });
    off.keepResponseBody('hello');
    expect(off.finish(200, 5)).not.toHaveProperty('requestBody');
    expect(off.finish(200, 5)).not.toHaveProperty('responseBody');

    const on = new RecordDraft(planFrom(yaml('{ bodies: true }')), 'id', 0, 'chat', 'POST', '/v1/chat/completions', null);
    on.keepRequestBody({ messages: [{ content: 'mail x@y.io' }] });
    on.keepResponseBody('a'.repeat(MAX_LOGGED_BODY_CHARS + 10));
    const r = on.finish(200, 5);
    expect(JSON.parse(r.requestBody!)).toEqual({ messages: [{ content: 'mail [redacted:email]' }] });
    expect(r.responseBody!.length).toBeLessThan(MAX_LOGGED_BODY_CHARS + 60);
    expect(r.responseBody).toMatch(/…\[cut at 262144 characters\]$/);
  });

  it('keeps metadata only when asked, redacted', () => {
    const on = new RecordDraft(planFrom(yaml('{ metadata: true }')), 'id', 0, 'chat', 'POST', '/p', null);
    on.keepMetadata({ user: 'x@y.io', feature: 'search' });
    expect(on.finish(200, 1).metadata).toEqual({ user: '[redacted:email]', feature: 'search' });
    const off = new RecordDraft(planFrom(yaml('{ metadata: false }')), 'id', 0, 'chat', 'POST', '/p', null);
    off.keepMetadata({ feature: 'search' });
    expect(off.finish(200, 1).metadata).toBeNull();
  });
});

describe('redaction cost', () => {
  it('stays linear on long runs that almost match (no catastrophic backtracking)', () => {
    const r = redactor([builtin('email'), builtin('phone'), builtin('credit-card'), builtin('api-key'), builtin('ip')]);
    const inputs = ['a'.repeat(200_000), `${'a'.repeat(200_000)}@`, `${'1 '.repeat(100_000)}x`, `${'ab:'.repeat(60_000)}`, `x@${'a'.repeat(200_000)}`];
    for (const text of inputs) {
      // Each input has no match (or only the bounded head of one); the answer comes back the same length or shorter.
      expect(r(text).length).toBeLessThanOrEqual(text.length);
    }
  });
});
