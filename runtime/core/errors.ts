/** The runtime's error catalog and the one place that turns an error into a client response (OpenAI error JSON). */
import { jsonResponse } from './respond.ts';

/** OpenAI `error.type` values the gateway emits. */
export type ErrorType = 'invalid_request_error' | 'permission_error' | 'server_error' | 'api_error';

/** Every runtime error code with its HTTP status and OpenAI type. Codes are stable: clients match on them. */
export const ERROR_CATALOG = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  origin_forbidden: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  internal_error: { status: 500, type: 'server_error' },
  not_implemented: { status: 501, type: 'api_error' },
} as const satisfies Record<string, { readonly status: number; readonly type: ErrorType }>;

/** A stable, snake_case runtime error code. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The body of every error response, in the shape OpenAI clients parse. */
export interface ErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: ErrorType;
    readonly param: string | null;
    readonly code: ErrorCode;
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
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** True for a {@link GatewayError}, from this bundle or another copy of it. */
export function isGatewayError(value: unknown): value is GatewayError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/** Builds the error response for `code`; the only function that writes error bodies. */
export function errorResponse(code: ErrorCode, message: string): Response {
  const { status, type } = ERROR_CATALOG[code];
  const body: ErrorBody = { error: { message, type, param: null, code } };
  return jsonResponse(body, status);
}

/** Turns anything thrown into a client response; unknown errors never reveal their message or stack. */
export function toErrorResponse(error: unknown): Response {
  if (isGatewayError(error)) return errorResponse(error.code, error.message);
  return errorResponse('internal_error', 'The gateway failed to handle this request.');
}
