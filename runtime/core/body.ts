/**
 * Reads a JSON request body within the size limit, with errors that say what was wrong.
 * @module
 */
import { isObject, type JsonObject } from '../openai/types.ts';
import { GatewayError } from './errors.ts';
import type { GatewayRequest } from './request.ts';

/** The JSON object a client sent; throws GatewayError (400, 413) otherwise. */
export async function readJsonBody(request: GatewayRequest, maxKb: number): Promise<JsonObject> {
  const max = maxKb * 1024;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw tooLarge(maxKb);
  const text = await request.text();
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a long text needs its bytes counted.
  if (text.length > max || (text.length * 3 > max && Buffer.byteLength(text, 'utf8') > max)) throw tooLarge(maxKb);
  if (text.length === 0) throw new GatewayError('invalid_json', 'The request body is empty; send a JSON object.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError('invalid_json', 'The request body is not valid JSON.');
  }
  if (!isObject(parsed)) throw new GatewayError('invalid_json', 'The request body must be a JSON object.');
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new GatewayError('invalid_json', `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return parsed;
}

/**
 * How deep a request body's arrays and objects may nest. Every real request stays far below
 * (tool schemas nest a few dozen levels at most); far deeper bodies would overflow the stack
 * of the recursive steps that serialize and measure them, which must not become a 500.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * True when valid JSON `text` nests arrays and objects deeper than `limit`. Text too short to
 * hold `limit + 1` openers and their closers is not scanned.
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  if (text.length <= 2 * limit + 1) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, past escaped characters.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

function tooLarge(maxKb: number): GatewayError {
  return new GatewayError('request_too_large', `The request body is larger than this gateway accepts (${maxKb} KB).`);
}
