/**
 * Google error bodies → Failures: classes by status, the refinements (context length, a
 * refused key, billing preconditions, daily quotas), retry delays, and masking.
 */
import { describe, expect, it } from 'vitest';
import { geminiAdapter } from '../../../../runtime/providers/gemini/index.ts';

const googleError = (code: number, status: string, message: string, details: unknown[] = []) => JSON.stringify({ error: { code, message, status, details } });
const map = (status: number, text: string, headers: Record<string, string> = {}) => geminiAdapter.error(status, headers, text, Date.UTC(2026, 0, 1));

describe('classes', () => {
  it.each([
    [400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', 'invalid_request', 'invalid_argument'],
    [400, 'INVALID_ARGUMENT', 'The input token count (1300000) exceeds the maximum number of tokens allowed (1048575).', 'context_length_exceeded', 'context_length_exceeded'],
    [400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', 'auth', 'api_key_invalid'],
    [400, 'INVALID_ARGUMENT', 'API key expired. Please renew the API key.', 'auth', 'api_key_invalid'],
    [400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.', 'auth', 'failed_precondition'],
    [401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'auth', 'unauthenticated'],
    [403, 'PERMISSION_DENIED', 'Your API key doesn’t have the required permissions.', 'auth', 'permission_denied'],
    [404, 'NOT_FOUND', 'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.', 'invalid_request', 'not_found'],
    [429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', 'rate_limited', 'resource_exhausted'],
    [500, 'INTERNAL', 'An internal error has occurred.', 'server', 'internal'],
    [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', 'overloaded', 'unavailable'],
    [504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.', 'timeout', 'deadline_exceeded'],
  ])('%i %s → %s', (status, name, message, cls, code) => {
    expect(map(status, googleError(status, name, message))).toMatchObject({ class: cls, code, status, source: 'provider', message });
  });

  it('an ErrorInfo reason API_KEY_INVALID is a refused key whatever the message says', () => {
    const f = map(400, googleError(400, 'INVALID_ARGUMENT', 'Bad key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]));
    expect(f).toMatchObject({ class: 'auth', code: 'api_key_invalid' });
  });

  it('a body that is not a Google error goes by the status', () => {
    expect(map(502, '<html>Bad Gateway</html>')).toMatchObject({ class: 'server', status: 502, code: 'upstream_server', message: 'Gemini answered 502' });
    expect(map(429, '')).toMatchObject({ class: 'rate_limited' });
  });

  it('reads the JSON-array form of an error ([{ error }])', () => {
    expect(map(400, `[${googleError(400, 'INVALID_ARGUMENT', 'The input token count (9) exceeds the maximum number of tokens allowed (8).')}]`)).toMatchObject({ class: 'context_length_exceeded' });
  });
});

describe('retry delays and quotas', () => {
  const quota = (quotaId: string, retryDelay: string) =>
    googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ]);

  it('RetryInfo.retryDelay → retryAfterMs; a per-minute quota may be tried again', () => {
    expect(map(429, quota('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '37s'))).toMatchObject({ retryAfterMs: 37_000, final: false });
    expect(map(429, quota('GenerateRequestsPerMinutePerProjectPerModel', '1.5s'))).toMatchObject({ retryAfterMs: 1_500 });
  });

  it('a per-day quota is final: the same target cannot help today', () => {
    expect(map(429, quota('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '3600s'))).toMatchObject({ class: 'rate_limited', final: true, retryAfterMs: 3_600_000 });
  });

  it('a Retry-After header wins over the body', () => {
    expect(map(429, quota('GenerateRequestsPerMinutePerProjectPerModel', '37s'), { 'retry-after': '2' })).toMatchObject({ retryAfterMs: 2_000 });
  });

  it('no delay without RetryInfo or a header', () => {
    expect(map(503, googleError(503, 'UNAVAILABLE', 'overloaded'))).toMatchObject({ retryAfterMs: null });
  });
});

describe('masking', () => {
  it('key-shaped text in a provider message never reaches the Failure', () => {
    const key = 'AIzaSyA1234567890abcdefghijklmnopqrstu';
    const f = map(400, googleError(400, 'INVALID_ARGUMENT', `API key not valid: ${key}. Please pass a valid API key.`));
    expect(JSON.stringify(f)).not.toContain(key);
    expect(f.message).toContain('[redacted]');
  });
});
