/**
 * `{ ...a, ...b }` for objects built on every request, attempt or stream chunk.
 *
 * On Node 20 (V8 11.3), once its code is optimised, an object literal that *starts* with a
 * spread and then adds keys the spread did not have (`{ ...headers, 'x-sluice-route': r }`)
 * gets a new hidden class on every evaluation, allocated in the old generation. That costs
 * ~1 µs per object instead of ~0.1 µs, and each of those classes keeps the young objects it
 * was built from alive through minor collections, so finished requests were promoted to the
 * old generation, which only full collections free (the request context alone, spread per
 * request, promoted ~1 MB per scavenge in a bare server; see test/e2e/retention.test.ts and
 * docs/decisions.md for the measured effect). `Object.assign` onto a fresh `{}` adds the keys
 * through the shared transition tree instead, so objects of one shape share one class.
 * Literals that start with a plain key (`{ a, ...rest }`) are not affected.
 * @module
 */

/** `{ ...A, ...B }` as a type: B's keys replace A's (for each member of a union A). */
export type Spread<A, B> = A extends unknown ? Omit<A, keyof B> & B : never;

/** The properties of `a` then `b` (later ones win), like `{ ...a, ...b }`. */
export function merged<A extends object, B extends object>(a: A, b: B): Spread<A, B>;
/** The properties of `a`, `b` then `c` (later ones win), like `{ ...a, ...b, ...c }`. */
export function merged<A extends object, B extends object, C extends object>(a: A, b: B, c: C): Spread<Spread<A, B>, C>;
export function merged(a: object, b: object, c?: object): object {
  return c === undefined ? Object.assign({}, a, b) : Object.assign({}, a, b, c);
}
