/** Bedrock error answers → Failures: by exception name, else by status; input-length validation errors are context_length_exceeded. */
import { describe, expect, it } from 'vitest';
import { bedrockError } from '../../../../runtime/providers/bedrock/errors.ts';

const answer = (status: number, type: string, message = 'x', headers: Record<string, string> = {}) => bedrockError(status, { 'x-amzn-errortype': type, ...headers }, JSON.stringify({ __type: type, message }), 0);

describe('bedrockError', () => {
  it.each([
    [429, 'ThrottlingException', 'rate_limited'],
    [400, 'ServiceQuotaExceededException', 'rate_limited'],
    [503, 'ServiceUnavailableException', 'overloaded'],
    [429, 'ModelNotReadyException', 'overloaded'],
    [500, 'InternalServerException', 'server'],
    [424, 'ModelErrorException', 'server'],
    [408, 'ModelTimeoutException', 'timeout'],
    [403, 'AccessDeniedException', 'auth'],
    [403, 'UnrecognizedClientException', 'auth'],
    [401, 'CredentialsProviderError', 'auth'],
    [400, 'ValidationException', 'invalid_request'],
    [404, 'ResourceNotFoundException', 'invalid_request'],
  ])('%i %s → %s', (status, type, cls) => {
    expect(answer(status, type)).toMatchObject({ class: cls, status, code: type, source: 'provider' });
  });

  it('reads input-length validation messages as context_length_exceeded', () => {
    for (const message of ['Input is too long for requested model.', 'prompt is too long: 215000 tokens > 200000 maximum', 'The input exceeds the maximum number of tokens for this model']) {
      expect(answer(400, 'ValidationException', message)).toMatchObject({ class: 'context_length_exceeded', code: 'context_length_exceeded' });
    }
    // "Too many tokens" from a throttle is about the per-minute quota, not the prompt.
    expect(answer(429, 'ThrottlingException', 'Too many tokens, please wait before trying again.').class).toBe('rate_limited');
  });

  it('reads the name from __type (ns#Name), x-amzn-errortype (Name:uri) or falls back to the status', () => {
    expect(bedrockError(429, {}, JSON.stringify({ __type: 'com.amazon.bedrock#ThrottlingException', message: 'slow down' }), 0)).toMatchObject({ class: 'rate_limited', code: 'ThrottlingException', message: 'slow down' });
    expect(bedrockError(503, { 'x-amzn-errortype': 'ServiceUnavailableException:http://internal.amazon.com/coral/com.amazon.bedrock/' }, '{"message":"busy"}', 0)).toMatchObject({ class: 'overloaded', code: 'ServiceUnavailableException' });
    expect(bedrockError(502, {}, 'not json', 0)).toMatchObject({ class: 'server', status: 502, message: 'Bedrock answered 502' });
  });

  it('marks failures retrying cannot fix as final, keeps Retry-After, masks key-shaped text', () => {
    expect(answer(403, 'AccessDeniedException').final).toBe(true);
    expect(answer(429, 'ThrottlingException').final).toBe(false);
    expect(answer(429, 'ThrottlingException', 'x', { 'retry-after': '2' }).retryAfterMs).toBe(2000);
    // An access key id in its shape, assembled so the repository holds no key-shaped literal.
    const keyId = ['AKIA', 'TESTONLY', 'NOTAKEY0'].join('');
    expect(answer(403, 'UnrecognizedClientException', `The security token ${keyId} is invalid`).message).not.toContain(keyId);
  });
});
