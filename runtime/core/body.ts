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
  return parsed;
}

function tooLarge(maxKb: number): GatewayError {
  return new GatewayError('request_too_large', `The request body is larger than this gateway accepts (${maxKb} KB).`);
}
