/**
 * Anthropic error responses to error classes: statuses decide, refined for prompts that are
 * too long and for exhausted balances; Retry-After kept; keys and request ids never echoed.
 */
import { describe, expect, it } from 'vitest';
import { anthropicError } from '../../../../runtime/providers/anthropic/errors.ts';

const body = (type: string, message: string, extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'error', error: { type, message, ...extra }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' });

describe('error classes', () => {
  it.each([
    [400, 'invalid_request_error', 'messages: roles must alternate between "user" and "assistant"', 'invalid_request', false],
    [400, 'invalid_request_error', 'prompt is too long: 208656 tokens > 200000 maximum', 'context_length_exceeded', false],
    [400, 'invalid_request_error', 'input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again', 'context_length_exceeded', false],
    [401, 'authentication_error', 'invalid x-api-key', 'auth', false],
    [402, 'billing_error', 'Your credit balance is too low to access the Anthropic API.', 'rate_limited', true],
    [403, 'permission_error', 'Your API key does not have permission to use the specified resource.', 'auth', false],
    [404, 'not_found_error', 'model: claude-nope', 'invalid_request', false],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.', 'invalid_request', false],
    [429, 'rate_limit_error', 'Number of requests has exceeded your per-minute rate limit', 'rate_limited', false],
    [500, 'api_error', 'Internal server error', 'server', false],
    [504, 'timeout_error', 'Request timed out', 'timeout', false],
    [529, 'overloaded_error', 'Overloaded', 'overloaded', false],
  ])('%i %s → %s', (status, type, message, cls, final) => {
    const f = anthropicError(status, {}, body(type, message), 0);
    expect(f).toMatchObject({ class: cls, status, final, source: 'provider', maybeAccepted: false });
    expect(f.code).toBe(cls === 'context_length_exceeded' ? 'context_length_exceeded' : type);
  });

  it('treats a reached spend limit as final: retrying cannot help', () => {
    const f = anthropicError(429, {}, body('rate_limit_error', 'You have reached your specified API usage limits.', { details: { error_code: 'enforced_spend_limit_reached' } }), 0);
    expect(f).toMatchObject({ class: 'rate_limited', final: true, retryAfterMs: null });
  });
});

describe('what the failure carries', () => {
  it('keeps retry-after (seconds or a date)', () => {
    expect(anthropicError(429, { 'retry-after': '7' }, body('rate_limit_error', 'slow down'), 0).retryAfterMs).toBe(7000);
    const now = Date.UTC(2026, 0, 1);
    expect(anthropicError(529, { 'retry-after': new Date(now + 3000).toUTCString() }, body('overloaded_error', 'Overloaded'), now).retryAfterMs).toBe(3000);
  });

  it('masks key-shaped text and leaves the request id out', () => {
    const f = anthropicError(401, { 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy' }, body('authentication_error', 'invalid x-api-key sk-ant-api03-abcdefghijklmnop'), 0);
    expect(f.message).toBe('invalid x-api-key [redacted]');
    expect(JSON.stringify(f)).not.toContain('req_011');
  });

  it('survives bodies that are not Anthropic errors', () => {
    expect(anthropicError(502, {}, '<html>Bad gateway</html>', 0)).toMatchObject({ class: 'server', code: 'upstream_server', message: 'the provider answered 502' });
    expect(anthropicError(413, {}, '', 0)).toMatchObject({ class: 'invalid_request', status: 413 });
  });
});
