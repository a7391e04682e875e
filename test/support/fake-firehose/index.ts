/** The fake Firehose for tests: a PutRecordBatch server with scripted failures. */
export { closedPortUrl, startFakeFirehose, unavailable, type FakeFirehose, type FakeFirehoseCall, type FirehoseStep } from './server.ts';
