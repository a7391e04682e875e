/**
 * JSON response helper shared by every route and by the error factory.
 * @module
 */
import { textResponse } from './response.ts';
import { merged } from '../merged.ts';

/** Headers every JSON answer carries: gateway answers are never cacheable (CloudFront caches errors otherwise). */
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
} as const;

/** A JSON `Response` with `status`; `body` may already be serialized JSON text. */
export function jsonResponse(body: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return textResponse(text, { status, headers: merged(JSON_HEADERS, headers) });
}
