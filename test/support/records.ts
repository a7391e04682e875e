/** A complete version-1 request record for tests of the log sinks, metrics and stats; `overrides` change single fields. */
import type { RequestRecord } from '../../runtime/log/types.ts';

/** A served, non-streamed chat request answered by the mock provider. */
export function sampleRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    v: 1,
    time: '2025-03-01T12:00:00.000Z',
    requestId: 'req-1',
    gateway: 'test',
    stage: 'default',
    planHash: 'sha256:0000',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    route: 'chat',
    consumer: 'team',
    clientIp: null,
    country: null,
    requestedModel: 'gpt-4o-mini',
    stream: false,
    attempts: [{ provider: 'mock', model: 'mock-small', status: 200, errorClass: null, latencyMs: 5 }],
    provider: 'mock',
    model: 'mock-small',
    status: 200,
    errorCode: null,
    cache: null,
    limits: [],
    usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, estimated: false },
    costUsd: 0.001,
    latencyMs: 12,
    ttfbMs: 12,
    metadata: null,
    ...overrides,
  };
}
