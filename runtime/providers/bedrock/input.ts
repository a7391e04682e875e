/** Helpers for reading the client's request: refusals are UnsupportedInput errors naming the field. */
import { UnsupportedInput } from '../types.ts';

/** Throws the client-facing refusal. */
export function unsupported(message: string): never {
  throw new UnsupportedInput(message);
}

/** True for null and undefined: OpenAI clients send `null` for "not set". */
export function absent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}
