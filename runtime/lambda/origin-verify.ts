/** Checks the origin-verify header CloudFront adds, so the API cannot be called around CloudFront. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when `presented` equals `expected`, compared in constant time (over SHA-256 digests, so lengths leak nothing). */
export function originVerified(presented: string | null, expected: string): boolean {
  if (presented === null || expected.length === 0) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
