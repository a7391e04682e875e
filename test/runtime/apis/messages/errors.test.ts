/** Errors in Anthropic's shape: type mapping, the body, and the Anthropic SDK raising its own error classes for them. */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicErrorType } from '../../../../runtime/apis/messages/errors.ts';
import { messagesProtocol } from '../../../../runtime/apis/messages/index.ts';
import type { ClientError } from '../../../../runtime/apis/types.ts';
import { ERROR_CATALOG, type ErrorCode } from '../../../../runtime/core/errors.ts';
import { stubFetch } from '../support.ts';

/** A ClientError for a gateway code, as the pipeline builds it from the catalog. */
function gatewayError(code: ErrorCode, message = 'Something went wrong.', param: string | null = null): ClientError {
  const { status, type } = ERROR_CATALOG[code];
  return { status, type, code, message, param };
}

/** [gateway code, Anthropic type, SDK error class]. */
const BY_CODE: readonly [ErrorCode, string, new (...args: never[]) => Error][] = [
  ['invalid_request', 'invalid_request_error', Anthropic.BadRequestError],
  ['missing_api_key', 'authentication_error', Anthropic.AuthenticationError],
  ['route_forbidden', 'permission_error', Anthropic.PermissionDeniedError],
  ['model_not_found', 'not_found_error', Anthropic.NotFoundError],
  ['request_too_large', 'request_too_large', Anthropic.ContentTooLargeError],
  ['upstream_rate_limited', 'rate_limit_error', Anthropic.RateLimitError],
  ['internal_error', 'api_error', Anthropic.InternalServerError],
  ['upstream_unreachable', 'api_error', Anthropic.InternalServerError],
  ['upstream_overloaded', 'overloaded_error', Anthropic.ServiceUnavailableError],
  ['upstream_timeout', 'timeout_error', Anthropic.GatewayTimeoutError],
];

describe('Anthropic error types', () => {
  it.each(BY_CODE)('%s → %s', (code, type) => {
    expect(anthropicErrorType(gatewayError(code))).toBe(type);
  });

  it('maps provider statuses and unknown types by status', () => {
    const e = (status: number, type: string): ClientError => ({ status, type, code: 'x', message: 'm', param: null });
    expect(anthropicErrorType(e(529, 'server_error'))).toBe('overloaded_error');
    expect(anthropicErrorType(e(422, 'unprocessable'))).toBe('invalid_request_error');
    expect(anthropicErrorType(e(502, 'something'))).toBe('api_error');
    expect(anthropicErrorType(e(400, 'invalid_request_error'))).toBe('invalid_request_error');
  });
});

describe('messagesProtocol.errorBody', () => {
  it("is Anthropic's error shape with the gateway code kept", () => {
    expect(messagesProtocol.errorBody(gatewayError('invalid_request', "Invalid 'max_tokens': this field is required by the Messages API.", 'max_tokens'))).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: "Invalid 'max_tokens': this field is required by the Messages API.", code: 'invalid_request' },
    });
  });

  it.each(BY_CODE)('%s is raised by the Anthropic SDK as its own class', async (code, type, ErrorClass) => {
    const error = gatewayError(code, `The gateway says ${code}.`);
    const { fetch } = stubFetch(error.status, JSON.stringify(messagesProtocol.errorBody(error)));
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://gateway.test', maxRetries: 0, fetch });
    const thrown: unknown = await client.messages.create({ model: 'smart', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ErrorClass);
    if (!(thrown instanceof Anthropic.APIError)) return;
    expect(thrown.status).toBe(error.status);
    expect(thrown.type).toBe(type);
    expect(thrown.apiMessage).toBe(`The gateway says ${code}.`);
    expect(thrown.error).toMatchObject({ error: { code } });
  });
});
