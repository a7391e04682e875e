/** A scriptable fake of Anthropic's Messages API (JSON and SSE) on 127.0.0.1 for end-to-end tests. */
export { startFakeAnthropic } from './server.ts';
export { reply, stream, fail, errorEvent, hang, custom } from './behaviours.ts';
export { message, streamEvents, errorBody } from './messages.ts';
export type * from './types.ts';
