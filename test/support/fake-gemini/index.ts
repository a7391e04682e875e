/** A scriptable fake Gemini API (generateContent, streamGenerateContent?alt=sse, batchEmbedContents) on 127.0.0.1 for end-to-end tests. */
export { startFakeGemini } from './server.ts';
export { ok, reply, blockPrompt, safetyStop, fail, errorInStream, embeddings, hang, custom } from './behaviours.ts';
export type * from './types.ts';
