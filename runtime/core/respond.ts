/** JSON response helper shared by every route and by the error factory. */

/** Headers every JSON answer carries: gateway answers are never cacheable (CloudFront caches errors otherwise). */
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
} as const;

/** A JSON `Response` with `status`, serialized compactly. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}
