/**
 * Anthropic Messages (`POST /v1/messages`) as a client API: requests become the canonical
 * chat request, answers and streams are written back as Anthropic messages and events,
 * errors in Anthropic's error shape (with the gateway's `code` kept).
 * @module
 */
import type { ClientProtocol } from '../types.ts';
import { chatToMessage } from './answer.ts';
import { messagesErrorBody } from './errors.ts';
import { messagesToChat } from './request.ts';
import { messagesStreamEncoder } from './stream.ts';

/** Anthropic Messages. */
export const messagesProtocol: ClientProtocol = {
  api: 'messages',
  path: '/v1/messages',
  toChat: messagesToChat,
  wantsStream: (body) => body.stream === true,
  fromChat: chatToMessage,
  streamEncoder: messagesStreamEncoder,
  errorBody: messagesErrorBody,
};
