/** Bedrock exceptions → Failures, by exception name, else by HTTP status. */
import { maskSecrets } from '../../core/mask.ts';
import { isObject } from '../../openai/types.ts';
import { classOfStatus, failure, retryAfterMs, type ErrorClass, type Failure } from '../../routing/failure.ts';

/** Error class of each exception Bedrock Runtime (and the SDK's signer and credentials) can raise. */
const CLASSES: Readonly<Record<string, ErrorClass>> = {
  ThrottlingException: 'rate_limited',
  ServiceQuotaExceededException: 'rate_limited',
  ServiceUnavailableException: 'overloaded',
  ModelNotReadyException: 'overloaded',
  InternalServerException: 'server',
  ModelErrorException: 'server',
  ModelStreamErrorException: 'server',
  ModelTimeoutException: 'timeout',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  IncompleteSignature: 'auth',
  ExpiredTokenException: 'auth',
  MissingAuthenticationTokenException: 'auth',
  CredentialsProviderError: 'auth',
  ValidationException: 'invalid_request',
  ResourceNotFoundException: 'invalid_request',
  ConflictException: 'invalid_request',
};

/** HTTP status of each modeled exception (the SDK's `httpError` traits), for exceptions inside a 200 stream. */
export const EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  ConflictException: 400,
  InternalServerException: 500,
  ModelErrorException: 424,
  ModelNotReadyException: 429,
  ModelStreamErrorException: 424,
  ModelTimeoutException: 408,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 400,
  ServiceUnavailableException: 503,
  ThrottlingException: 429,
  ValidationException: 400,
};

/** Exceptions after which the same target cannot succeed: retrying it only burns the deadline. */
const FINAL = new Set(['AccessDeniedException', 'UnrecognizedClientException', 'CredentialsProviderError', 'ResourceNotFoundException']);

/** Messages of ValidationExceptions about a prompt longer than the model takes. */
const TOO_LONG = /too long|too many (?:input )?tokens|context (?:length|window)|maximum context|exceeds? the maximum (?:number of )?(?:input )?tokens|input length/i;

/** A Failure for one exception. */
export function exceptionFailure(name: string, message: string, status: number | null, extra: Partial<Failure> = {}): Failure {
  let cls = CLASSES[name] ?? (status !== null && status >= 400 ? classOfStatus(status) : 'server');
  let code = name || `upstream_${cls}`;
  if (cls === 'invalid_request' && TOO_LONG.test(message)) {
    cls = 'context_length_exceeded';
    code = 'context_length_exceeded';
  }
  return failure(cls, code, maskSecrets(message), { status, final: FINAL.has(name), source: 'provider', ...extra });
}

/** The exception name in `__type` (`ns#Name`) or `x-amzn-errortype` (`Name:uri`). */
function nameOf(body: unknown, headers: Readonly<Record<string, string>>): string {
  const raw = isObject(body) && typeof body.__type === 'string' ? body.__type : (headers['x-amzn-errortype'] ?? (isObject(body) && typeof body.code === 'string' ? body.code : ''));
  return raw.split(':')[0]!.split('#').at(-1)!;
}

/** Maps an error answer of the Bedrock transport (or of Bedrock itself) to a Failure. */
export function bedrockError(status: number, headers: Readonly<Record<string, string>>, text: string, now: number): Failure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const raw = isObject(body) ? (body.message ?? body.Message) : undefined;
  const message = typeof raw === 'string' ? raw : `Bedrock answered ${status}`;
  return exceptionFailure(nameOf(body, headers), message, status, { retryAfterMs: retryAfterMs(headers, now) });
}
