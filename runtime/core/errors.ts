/**
 * The runtime's error catalog and the one place that turns errors into client responses,
 * always in OpenAI's error JSON shape with a stable `code`.
 * @module
 */
import { jsonResponse } from './respond.ts';

/** OpenAI `error.type` values the gateway emits. */
export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error' | 'api_error';

/** Every gateway error code with its HTTP status and OpenAI type. Codes are stable: clients match on them. */
export const ERROR_CATALOG = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_metadata: { status: 400, type: 'invalid_request_error' },
  wrong_endpoint: { status: 400, type: 'invalid_request_error' },
  missing_api_key: { status: 401, type: 'authentication_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  expired_api_key: { status: 401, type: 'authentication_error' },
  origin_forbidden: { status: 403, type: 'permission_error' },
  route_forbidden: { status: 403, type: 'permission_error' },
  provider_forbidden: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  model_not_found: { status: 404, type: 'not_found_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  request_too_large: { status: 413, type: 'invalid_request_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  budget_exceeded: { status: 429, type: 'rate_limit_error' },
  too_many_concurrent: { status: 429, type: 'rate_limit_error' },
  client_closed: { status: 499, type: 'api_error' },
  internal_error: { status: 500, type: 'server_error' },
  /** The gateway has no key for the provider here (a `sluice dev` environment variable not set). */
  provider_key_missing: { status: 500, type: 'server_error' },
  not_implemented: { status: 501, type: 'api_error' },
  upstream_error: { status: 502, type: 'server_error' },
  upstream_malformed: { status: 502, type: 'server_error' },
  upstream_stream_cut: { status: 502, type: 'server_error' },
  upstream_stream_broken: { status: 502, type: 'server_error' },
  upstream_empty_stream: { status: 502, type: 'server_error' },
  upstream_too_large: { status: 502, type: 'server_error' },
  upstream_unreachable: { status: 502, type: 'server_error' },
  upstream_auth_failed: { status: 502, type: 'server_error' },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error' },
  upstream_overloaded: { status: 503, type: 'server_error' },
  upstream_unavailable: { status: 503, type: 'server_error' },
  store_unavailable: { status: 503, type: 'server_error' },
  /** The provider's key could not be read (Secrets Manager unreachable or the secret malformed). */
  provider_key_unavailable: { status: 503, type: 'server_error' },
  upstream_timeout: { status: 504, type: 'server_error' },
  deadline_exceeded: { status: 504, type: 'server_error' },
} as const satisfies Record<string, { readonly status: number; readonly type: ErrorType }>;

/** A stable, snake_case gateway error code. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The body of every error response, in the shape OpenAI clients parse. */
export interface ErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: ErrorType;
    readonly param: string | null;
    /** A gateway code, or the provider's code for errors in the client's request. */
    readonly code: string;
  };
}

const BRAND = Symbol.for('sluice.GatewayError');

/** An expected failure with a catalog code; anything else thrown is a bug and becomes `internal_error`. */
export class GatewayError extends Error {
  /** Brand checked by {@link isGatewayError}, so the check survives duplicated bundles. */
  readonly [BRAND] = true;

  /** @param code catalog code  @param message one client-safe sentence (no secrets, no stack) */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** True for a {@link GatewayError}, from this bundle or another copy of it. */
export function isGatewayError(value: unknown): value is GatewayError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/** Writes an error body in a client's protocol (OpenAI's shape unless given). */
export type ErrorWriter = (e: { status: number; type: string; code: string; message: string; param: string | null }) => unknown;

const openaiShape: ErrorWriter = (e) => ({ error: { message: e.message, type: e.type, param: e.param, code: e.code } }) satisfies ErrorBody | { error: object };

/** Builds the error response for a catalog code. */
export function errorResponse(code: ErrorCode, message: string, param: string | null = null, headers: Readonly<Record<string, string>> = {}, write: ErrorWriter = openaiShape): Response {
  const { status, type } = ERROR_CATALOG[code];
  return jsonResponse(write({ status, type, code, message, param }), status, headers);
}

/** Turns anything thrown into a client response; unknown errors never reveal their message or stack. */
export function toErrorResponse(error: unknown, write: ErrorWriter = openaiShape): Response {
  if (isGatewayError(error)) return errorResponse(error.code, error.message, error.param, {}, write);
  return errorResponse('internal_error', 'The gateway failed to handle this request.', null, {}, write);
}
