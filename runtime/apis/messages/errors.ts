/** Errors in Anthropic's Messages shape: the error object, its `type` values, and the in-stream `error` event. */
import type { JsonObject } from '../../openai/types.ts';
import { encodeSse } from '../../sse/encoder.ts';
import type { ClientError } from '../types.ts';

/** Anthropic's `error.type` values the gateway writes. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

const BY_OPENAI_TYPE: Readonly<Record<string, AnthropicErrorType>> = {
  invalid_request_error: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  not_found_error: 'not_found_error',
  rate_limit_error: 'rate_limit_error',
  server_error: 'api_error',
  api_error: 'api_error',
};

/**
 * The Anthropic error type for an error: 503/529 are `overloaded_error`, 504 `timeout_error`,
 * 413 `request_too_large` (Anthropic's documented status/type pairs); otherwise the OpenAI
 * type maps by name (`server_error` → `api_error`), and unknown types fall back on the status
 * (4xx → `invalid_request_error`, as Anthropic does for unlisted 4xx, else `api_error`).
 */
export function anthropicErrorType(e: ClientError): AnthropicErrorType {
  if (e.status === 503 || e.status === 529) return 'overloaded_error';
  if (e.status === 504) return 'timeout_error';
  if (e.status === 413) return 'request_too_large';
  const mapped = BY_OPENAI_TYPE[e.type];
  if (mapped) return mapped;
  return e.status >= 400 && e.status < 500 ? 'invalid_request_error' : 'api_error';
}

/** The body of an error response: Anthropic's shape, plus the gateway's stable `code` so tooling can match it. */
export function messagesErrorBody(e: ClientError): JsonObject {
  return { type: 'error', error: { type: anthropicErrorType(e), message: e.message, code: e.code } };
}

/** The `error` event that ends a stream that failed after it started. */
export function messagesErrorEvent(e: ClientError): string {
  return encodeSse({ event: 'error', data: JSON.stringify(messagesErrorBody(e)) });
}
