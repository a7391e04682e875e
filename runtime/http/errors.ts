/** Turns Node's network errors into UpstreamErrors whose messages name the phase and the origin, never headers, bodies or URLs. */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { UpstreamError, type UpstreamPhase } from './types.ts';

/** Where an exchange goes, as error messages may show it: `host:port`, no path, query or credentials. */
export interface Origin {
  readonly hostname: string;
  readonly port: number;
}

const ABORT_MESSAGES: Readonly<Record<UpstreamPhase, string>> = {
  connect: 'request aborted before it was sent',
  wait: 'request aborted while waiting for the response',
  receive: 'request aborted while reading the response body',
};

const SAFE_CODE = /^[A-Za-z0-9_]{1,64}$/;
const TLS_CODE = /^(?:EPROTO$|ECONNABORTED$|ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA$|INVALID_PURPOSE$|PATH_LENGTH_|HOSTNAME_MISMATCH$)/;
const UNREACHABLE = new Set(['ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

/** `host:port` for messages (IPv6 hosts in brackets). */
export function describeOrigin(origin: Origin): string {
  return origin.hostname.includes(':') ? `[${origin.hostname}]:${origin.port}` : `${origin.hostname}:${origin.port}`;
}

/** The error for an exchange stopped by its AbortSignal; keeps the signal's reason. */
export function abortedError(phase: UpstreamPhase, reason: unknown): UpstreamError {
  return new UpstreamError('aborted', phase, ABORT_MESSAGES[phase], reason);
}

/** The error for a body that exceeds the caller's cap. */
export function tooLargeError(maxBytes: number): UpstreamError {
  return new UpstreamError('too_large', 'receive', `response body larger than ${maxBytes} bytes`);
}

/** The error for a URL the client cannot send to (never echoes the URL: query strings can carry keys). */
export function invalidUrlError(protocol: string | null): UpstreamError {
  const message =
    protocol === null ? 'invalid upstream URL' : `unsupported URL scheme "${safeCode(protocol.replace(/:$/, ''))}"`;
  return new UpstreamError('network', 'connect', message);
}

/**
 * The error for headers Node refuses to send. Names the offending header (its name, never
 * its value), found again with Node's own validators, since Node's message quotes the value.
 */
export function invalidHeaderError(headers: Readonly<Record<string, string>>, error: unknown): UpstreamError {
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
    } catch {
      return new UpstreamError('network', 'connect', 'invalid request header name');
    }
    try {
      validateHeaderValue(name, value);
    } catch {
      return new UpstreamError('network', 'connect', `invalid value for request header "${name}"`);
    }
  }
  return new UpstreamError('network', 'connect', `invalid request (${codeOf(error)})`);
}

/** The error for a failed connection, request or response, worded by error code and phase. */
export function networkError(error: unknown, phase: UpstreamPhase, origin: Origin, reused: boolean): UpstreamError {
  const message = describeFailure(codeOf(error), isHangUp(error), phase, origin);
  const suffix = reused && phase !== 'receive' ? ' (reused connection)' : '';
  return new UpstreamError('network', phase, message + suffix);
}

/** The error for a response that stopped before its end (connection closed mid-body). */
export function truncatedError(origin: Origin): UpstreamError {
  return new UpstreamError('network', 'receive', `connection to ${describeOrigin(origin)} closed before the response body ended`);
}

/** The error for a compressed body that does not decompress. */
export function decodeError(coding: string, origin: Origin): UpstreamError {
  return new UpstreamError('network', 'receive', `invalid ${coding} response body from ${describeOrigin(origin)}`);
}

function describeFailure(code: string, hangUp: boolean, phase: UpstreamPhase, origin: Origin): string {
  const where = describeOrigin(origin);
  if (code === 'ECONNREFUSED') return `connection refused by ${where}`;
  if (code === 'ENOTFOUND') return `cannot resolve ${origin.hostname}`;
  if (code === 'EAI_AGAIN') return `cannot resolve ${origin.hostname} (EAI_AGAIN: DNS temporarily unavailable)`;
  if (code === 'ECONNRESET') return describeReset(hangUp, phase, where);
  if (code === 'EPIPE') return `connection closed by ${where} while the request was being sent`;
  if (UNREACHABLE.has(code)) return `cannot reach ${where} (${code})`;
  if (code === 'HPE_HEADER_OVERFLOW') return `response headers from ${where} too large`;
  if (code.startsWith('HPE_')) return `invalid HTTP response from ${where} (${code})`;
  if (TLS_CODE.test(code)) return `TLS handshake with ${where} failed (${code})`;
  return `network error with ${where} (${code})`;
}

function describeReset(hangUp: boolean, phase: UpstreamPhase, where: string): string {
  const what = hangUp ? `connection closed by ${where}` : `connection reset by ${where}`;
  if (phase === 'connect') return `${what} before the request was sent`;
  if (phase === 'wait') return `${what} after the request was sent`;
  return `${what} while reading the response body`;
}

function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? safeCode(code) : 'unknown';
}

function safeCode(code: string): string {
  return SAFE_CODE.test(code) ? code : 'unknown';
}

/** Node's "socket hang up": the peer closed the connection (FIN), as opposed to a TCP reset. */
function isHangUp(error: unknown): boolean {
  return error instanceof Error && error.message === 'socket hang up';
}
