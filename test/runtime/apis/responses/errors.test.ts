/** Errors of the Responses API: OpenAI's error body (as chat), raised by the openai SDK as its own classes with code, param and type. */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openaiErrorBody } from '../../../../runtime/apis/chat.ts';
import { responsesProtocol } from '../../../../runtime/apis/responses/index.ts';
import type { ClientError } from '../../../../runtime/apis/types.ts';
import { ERROR_CATALOG, type ErrorCode } from '../../../../runtime/core/errors.ts';
import { refusal, stubFetch } from '../support.ts';

function gatewayError(code: ErrorCode, message = 'Something went wrong.', param: string | null = null): ClientError {
  const { status, type } = ERROR_CATALOG[code];
  return { status, type, code, message, param };
}

/** [gateway code, openai SDK error class]. */
const BY_CODE: readonly [ErrorCode, new (...args: never[]) => Error][] = [
  ['invalid_request', OpenAI.BadRequestError],
  ['invalid_api_key', OpenAI.AuthenticationError],
  ['route_forbidden', OpenAI.PermissionDeniedError],
  ['model_not_found', OpenAI.NotFoundError],
  ['upstream_rate_limited', OpenAI.RateLimitError],
  ['upstream_unavailable', OpenAI.InternalServerError],
];

describe('responsesProtocol.errorBody', () => {
  it('is the same OpenAI error body as chat completions', () => {
    const e = gatewayError('invalid_request', "'previous_response_id' is not supported: the gateway keeps no responses.", 'previous_response_id');
    expect(responsesProtocol.errorBody(e)).toEqual(openaiErrorBody(e));
    expect(responsesProtocol.errorBody(e)).toEqual({ error: { message: e.message, type: 'invalid_request_error', param: 'previous_response_id', code: 'invalid_request' } });
  });

  it.each(BY_CODE)('%s is raised by the openai SDK as its own class', async (code, ErrorClass) => {
    const error = gatewayError(code, `The gateway says ${code}.`);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: stubFetch(error.status, JSON.stringify(responsesProtocol.errorBody(error))).fetch });
    const thrown: unknown = await client.responses.create({ model: 'smart', input: 'Hi' }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ErrorClass);
    if (!(thrown instanceof OpenAI.APIError)) return;
    expect([thrown.status, thrown.code, thrown.type]).toEqual([error.status, code, error.type]);
  });

  it('carries a refusal from toChat to the client with its param', async () => {
    const message = refusal(responsesProtocol, { model: 'smart', input: 'Hi', previous_response_id: 'resp_1' }, 'previous_response_id');
    const error = gatewayError('invalid_request', message, 'previous_response_id');
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: stubFetch(400, JSON.stringify(responsesProtocol.errorBody(error))).fetch });
    const thrown: unknown = await client.responses.create({ model: 'smart', input: 'Hi', previous_response_id: 'resp_1' }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(OpenAI.BadRequestError);
    if (!(thrown instanceof OpenAI.APIError)) return;
    expect(thrown.param).toBe('previous_response_id');
    expect(thrown.message).toContain('keeps no responses');
  });
});
