/** Scriptable fake LLM providers (OpenAI and Azure OpenAI wire formats) on 127.0.0.1 for end-to-end tests. */
export { startFakeUpstream, closeAll } from './server.ts';
export { startFakeUpstreams, type FakeUpstreamFleet } from './fleet.ts';
export { ok, reply, stream, embeddings, custom, times } from './behaviours.ts';
export {
  fail,
  slowHeaders,
  resetBeforeHeaders,
  resetMidStream,
  malformedJson,
  malformedChunk,
  errorInStream,
  errorAsFirstEvent,
  cutStream,
  hang,
} from './failures.ts';
export { estimateTokens, estimatePromptTokens, errorBody } from './shapes.ts';
export { fakeEmbedding } from './embeddings.ts';
export { splitContent } from './chunks.ts';
export { MALFORMED_EVENT } from './sse.ts';
export { MALFORMED_BODY } from './serve.ts';
export type * from './types.ts';
