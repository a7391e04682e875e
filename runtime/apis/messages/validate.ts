/** Request validation for the client APIs: every refusal is a GatewayError `invalid_request` naming the exact `param`. */
import { GatewayError } from '../../core/errors.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';

/** Refuses the request: `param` is wrong, `reason` says how. */
export function refuse(param: string, reason: string): never {
  throw new GatewayError('invalid_request', `Invalid '${param}': ${reason}`, param);
}

/** Refuses a field or value the gateway cannot serve (it is valid for the provider's API, just not expressible here). */
export function unsupported(param: string, reason: string): never {
  throw new GatewayError('invalid_request', `'${param}' is not supported: ${reason}`, param);
}

/** `base.key`, or `key` at the top level. */
export function path(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** Refuses the first key of `value` not in `allowed`; `why` explains refusals of known keys. */
export function checkKeys(value: JsonObject, base: string, allowed: ReadonlySet<string>, why: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(value)) {
    if (allowed.has(key)) continue;
    unsupported(path(base, key), why[key] ?? 'the gateway cannot translate this field, and it never drops one silently.');
  }
}

/** `value` as an object. */
export function objectAt(value: unknown, param: string): JsonObject {
  if (!isObject(value)) refuse(param, 'expected an object.');
  return value;
}

/** `value` as an array. */
export function arrayAt(value: unknown, param: string): readonly unknown[] {
  if (!Array.isArray(value)) refuse(param, 'expected an array.');
  return value;
}

/** `value` as a string. */
export function stringAt(value: unknown, param: string): string {
  if (typeof value !== 'string') refuse(param, 'expected a string.');
  return value;
}

/** `value` as a non-empty string. */
export function nameAt(value: unknown, param: string): string {
  const s = stringAt(value, param);
  if (s === '') refuse(param, 'expected a non-empty string.');
  return s;
}

/** `value` as a finite number. */
export function numberAt(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(param, 'expected a number.');
  return value;
}

/** `value` as an integer of at least `min`. */
export function integerAt(value: unknown, param: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) refuse(param, `expected an integer of at least ${min}.`);
  return value;
}

/** `value` as a boolean. */
export function booleanAt(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') refuse(param, 'expected a boolean.');
  return value;
}
