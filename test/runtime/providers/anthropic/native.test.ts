/**
 * Anthropic's own APIs through the gateway: Messages pass-through (body out unchanged,
 * answers checked and their usage read, events forwarded) and `/native/anthropic/...`.
 */
import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../../../runtime/providers/anthropic/index.ts';
import type { StreamStep } from '../../../../runtime/providers/types.ts';
import { blockStop, feed, input, KEY, messageDelta, messageStart, messageStop, PROVIDER, textDelta, textStart, toolStart, jsonDelta } from './support.ts';

const api = anthropicAdapter.apis!.messages!;
const messagesBody = {
  model: 'claude-test',
  max_tokens: 300,
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  thinking: { type: 'enabled', budget_tokens: 1024 },
  stream: true,
};
const eventNames = (steps: readonly StreamStep[]): (string | null)[][] => steps.map((s) => (s.kind === 'events' ? s.events.map((e) => e.event) : [s.kind]));

describe('Messages pass-through', () => {
  it('sends the client body as it is, to /v1/messages with the key and version', () => {
    const r = api.request(input(messagesBody));
    expect(r.url).toBe('https://api.anthropic.com/v1/messages');
    expect(r.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01', accept: 'text/event-stream', 'content-type': 'application/json' });
    expect(JSON.parse(r.body as string)).toEqual(messagesBody);
  });

  it('returns the answer unchanged with its usage in OpenAI shape, and fails on errors and non-messages', () => {
    const answer = { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage: { input_tokens: 4, cache_read_input_tokens: 6, output_tokens: 2 } };
    expect(api.response(answer, input(messagesBody))).toEqual({
      ok: true,
      value: answer,
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 6, cache_creation_tokens: 0 } },
    });
    expect(api.response({ type: 'error', error: { type: 'api_error', message: 'boom' } }, input(messagesBody))).toMatchObject({ ok: false, failure: { class: 'server' } });
    expect(api.response({ type: 'message' }, input(messagesBody))).toMatchObject({ ok: false, failure: { code: 'upstream_malformed' } });
  });

  it('holds the leading events until output starts, then forwards every event; finished at message_stop', () => {
    const t = api.stream(input(messagesBody));
    const steps = feed(t, [
      messageStart({ input_tokens: 9, output_tokens: 1 }),
      { type: 'ping' },
      textStart(0),
      textDelta(0, 'Hello'),
      blockStop(0),
      toolStart(1, 'toolu_1', 'f'),
      jsonDelta(1, '{"a":1}'),
      blockStop(1),
      messageDelta('tool_use', { output_tokens: 7 }),
      messageStop,
    ]);
    expect(eventNames(steps)).toEqual([
      ['ignore'],
      ['ignore'],
      ['ignore'],
      ['message_start', 'ping', 'content_block_start', 'content_block_delta'],
      ['content_block_stop'],
      ['content_block_start'],
      ['content_block_delta'],
      ['content_block_stop'],
      ['message_delta'],
      ['message_stop'],
    ]);
    expect(steps[3]).toMatchObject({ outputChars: 5, finished: false, usage: null });
    expect(steps[6]).toMatchObject({ outputChars: 7 });
    expect(steps[8]).toMatchObject({ usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 }, finished: false });
    expect(steps[9]).toMatchObject({ kind: 'events', finished: true });
    expect(t.next({ event: 'ping', data: '{"type":"ping"}', id: null })).toEqual({ kind: 'done' });
  });

  it('fails on an error event before output (so the pipeline can fall back) and on malformed data', () => {
    const steps = feed(api.stream(input(messagesBody)), [messageStart(), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]);
    expect(steps[1]).toMatchObject({ kind: 'error', failure: { class: 'overloaded' } });
    expect(api.stream(input(messagesBody)).next({ event: 'message_start', data: '{oops', id: null })).toMatchObject({ kind: 'error', failure: { code: 'upstream_malformed' } });
  });
});

describe('/native/anthropic', () => {
  it('keeps the path and query under the base URL and authenticates with the key and version', () => {
    expect(anthropicAdapter.native!.url(PROVIDER, 'v1/models', '?limit=5')).toBe('https://api.anthropic.com/v1/models?limit=5');
    expect(anthropicAdapter.native!.headers(PROVIDER, KEY)).toEqual({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
    expect(anthropicAdapter.native!.headers(PROVIDER, null)).toEqual({ 'anthropic-version': '2023-06-01' });
  });

  it('has no embeddings and no transport of its own', () => {
    expect(anthropicAdapter.embeddings).toBeNull();
    expect(anthropicAdapter.transport(PROVIDER)).toBeNull();
  });
});
