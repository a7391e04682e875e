/** The fake Bedrock Runtime for tests: server, scripted steps, event stream framing. */
export { crc32 } from './crc32.ts';
export { decodeFrames, encodeFrame, eventFrame, exceptionFrame, type Frame } from './eventstream.ts';
export { httpError, reply, streamException, throttled, toolUse, type FakeStep, type FakeToolUse } from './replies.ts';
export { startFakeBedrock, type FakeBedrock, type FakeBedrockRequest } from './server.ts';
export { FAKE_CREDENTIALS, useAwsEnv } from './env.ts';
