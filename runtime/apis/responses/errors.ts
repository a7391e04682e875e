/** Errors of the Responses API: OpenAI's error body for error answers, and the `error` object of a failed response. */
import type { JsonObject } from '../../openai/types.ts';
import { openaiErrorBody } from '../chat.ts';
import type { ClientError } from '../types.ts';

/** The body of an error response: OpenAI's error shape, the same as chat completions. */
export function responsesErrorBody(e: ClientError): JsonObject {
  return openaiErrorBody(e);
}

/** The `error` of a `response` whose `status` is `failed`: the gateway's stable code and the message. */
export function failedResponseError(e: ClientError): JsonObject {
  return { code: e.code, message: e.message };
}
