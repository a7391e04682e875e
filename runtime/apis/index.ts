/**
 * Every client API the gateway serves on a chat route.
 * @module
 */
import { chatProtocol } from './chat.ts';
import { messagesProtocol } from './messages/index.ts';
import { responsesProtocol } from './responses/index.ts';
import type { ClientProtocol } from './types.ts';

/** Client APIs by path; chat completions first. */
export const CLIENT_PROTOCOLS: readonly ClientProtocol[] = [chatProtocol, messagesProtocol, responsesProtocol];
