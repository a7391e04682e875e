/**
 * OpenAI Responses (`POST /v1/responses`) as a client API, stateless: requests become the
 * canonical chat request, answers and streams are written back as `response` objects and
 * Responses events, errors in OpenAI's error shape.
 * @module
 */
import type { ClientProtocol } from '../types.ts';
import { chatToResponse } from './answer.ts';
import { responsesErrorBody } from './errors.ts';
import { responsesToChat } from './request.ts';
import { responsesStreamEncoder } from './stream.ts';

/** OpenAI Responses. */
export const responsesProtocol: ClientProtocol = {
  api: 'responses',
  path: '/v1/responses',
  toChat: responsesToChat,
  wantsStream: (body) => body.stream === true,
  fromChat: chatToResponse,
  streamEncoder: responsesStreamEncoder,
  errorBody: responsesErrorBody,
};
