/** Constant-time comparison of the origin-verify header. */
import { describe, expect, it } from 'vitest';
import { originVerified } from '../../runtime/lambda/origin-verify.ts';

describe('originVerified', () => {
  it('accepts exactly the expected value', () => {
    expect(originVerified('s3cret-value', 's3cret-value')).toBe(true);
  });

  it.each([
    ['a missing header', null, 's3cret-value'],
    ['a wrong value', 's3cret-valuf', 's3cret-value'],
    ['a prefix', 's3cret', 's3cret-value'],
    ['an empty header', '', 's3cret-value'],
    ['an empty expected value', '', ''],
  ])('refuses %s', (_name, presented, expected) => {
    expect(originVerified(presented, expected)).toBe(false);
  });
});
