/**
 * The OpenAI-family adapters as pure transforms: the request each builds (URL, auth
 * header, body), and how provider errors map to error classes.
 */
import { describe, expect, it } from 'vitest';
import type { PlanProviderAzure, PlanProviderOpenai, PlanProviderOpenaiCompatible } from '../../../runtime/plan.ts';
import { azureOpenaiAdapter } from '../../../runtime/providers/azure-openai/index.ts';
import { openaiCompatibleAdapter } from '../../../runtime/providers/openai-compatible/index.ts';
import { chatResponse, chatStream } from '../../../runtime/providers/openai/chat.ts';
import { openaiError } from '../../../runtime/providers/openai/errors.ts';
import { openaiAdapter } from '../../../runtime/providers/openai/index.ts';

const base = { models: null, timeoutMs: null };
const openai: PlanProviderOpenai = { ...base, type: 'openai', name: 'oa', baseUrl: 'https://api.openai.com/v1', apiKey: { secret: 's', field: null, env: null }, organization: 'org-1', project: null };
const compat: PlanProviderOpenaiCompatible = { ...base, type: 'openai-compatible', name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: null, streamUsage: false };
const azure: PlanProviderAzure = { ...base, type: 'azure-openai', name: 'az', endpoint: 'https://acme.openai.azure.com', apiVersion: '2024-10-21', apiKey: { secret: 's', field: null, env: null }, deployments: { 'gpt-4o': 'prod gpt4o' } };
const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };

describe('requests', () => {
  it('openai: bearer key, organization, usage asked for in streams', () => {
    const r = openaiAdapter.chat.request({ provider: openai, model: 'gpt-4o', body: { ...body, model: 'gpt-4o' }, apiKey: 'k1', headers: { 'user-agent': 'ua' }, created: 0, requestId: 'r' });
    expect(r.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(r.headers).toMatchObject({ authorization: 'Bearer k1', 'openai-organization': 'org-1', accept: 'text/event-stream', 'user-agent': 'ua' });
    expect(JSON.parse(r.body as string)).toMatchObject({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true } });
  });

  it('openai-compatible: no key, no stream_options when the server rejects them', () => {
    const r = openaiCompatibleAdapter.chat.request({ provider: compat, model: 'llama3', body, apiKey: null, headers: {}, created: 0, requestId: 'r' });
    expect(r.url).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(r.headers.authorization).toBeUndefined();
    expect(JSON.parse(r.body as string)).not.toHaveProperty('stream_options');
  });

  it('azure: deployment URL, api-version, api-key header', () => {
    const r = azureOpenaiAdapter.chat.request({ provider: azure, model: 'gpt-4o', body, apiKey: 'k2', headers: {}, created: 0, requestId: 'r' });
    expect(r.url).toBe('https://acme.openai.azure.com/openai/deployments/prod%20gpt4o/chat/completions?api-version=2024-10-21');
    expect(r.headers).toMatchObject({ 'api-key': 'k2' });
    expect(r.headers.authorization).toBeUndefined();
    expect(azureOpenaiAdapter.embeddings!.request({ provider: azure, model: 'text-embedding-3-small', body: { input: 'x' }, apiKey: 'k2', headers: {}, created: 0, requestId: 'r' }).url).toBe(
      'https://acme.openai.azure.com/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21',
    );
  });

  it('native URLs keep the path and query; azure adds its api-version', () => {
    expect(openaiAdapter.native!.url(openai, 'files', '?purpose=batch')).toBe('https://api.openai.com/v1/files?purpose=batch');
    expect(azureOpenaiAdapter.native!.url(azure, 'openai/models', '')).toBe('https://acme.openai.azure.com/openai/models?api-version=2024-10-21');
  });
});

describe('errors', () => {
  const err = (status: number, code: string | null, headers: Record<string, string> = {}) =>
    openaiError(status, headers, JSON.stringify({ error: { message: 'Incorrect API key provided: sk-abcdefghij1234', type: 'x', code } }), 0);

  it.each([
    [429, 'rate_limit_exceeded', 'rate_limited', false],
    [429, 'insufficient_quota', 'rate_limited', true],
    [400, 'context_length_exceeded', 'context_length_exceeded', false],
    [400, 'content_filter', 'content_filtered', false],
    [400, null, 'invalid_request', false],
    [401, 'invalid_api_key', 'auth', false],
    [500, 'server_error', 'server', false],
    [503, 'server_error', 'overloaded', false],
  ] as const)('%i %s → %s', (status, code, cls, final) => {
    const f = err(status, code);
    expect(f).toMatchObject({ class: cls, status, final, source: 'provider', maybeAccepted: false });
  });

  it('masks keys the provider quotes and keeps Retry-After', () => {
    const f = err(429, 'rate_limit_exceeded', { 'retry-after': '3' });
    expect(f.message).toBe('Incorrect API key provided: [redacted]');
    expect(f.retryAfterMs).toBe(3000);
  });

  it('survives bodies that are not JSON', () => {
    expect(openaiError(502, {}, '<html>bad gateway</html>', 0)).toMatchObject({ class: 'server', message: 'the provider answered 502' });
  });
});

describe('stream events', () => {
  const step = (data: string, client: Record<string, unknown> = body) => chatStream(client).next({ data, event: null, id: null });
  const content = JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] });

  it('forwards a content chunk as its own text', () => {
    expect(step(content)).toEqual({ kind: 'chunks', chunks: [{ chunk: JSON.parse(content), raw: content }], usage: null });
  });

  it('reads usage and errors however the JSON is spaced or escaped', () => {
    const usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
    // Python's json.dumps spaces its separators; the usage-only chunk is hidden from a client that did not ask for it.
    const spaced = JSON.stringify({ id: 'c1', choices: [], usage }).replaceAll('":', '": ').replaceAll(',"', ', "');
    expect(step(spaced)).toEqual({ kind: 'chunks', chunks: [], usage });
    const shown = step(spaced, { ...body, stream_options: { include_usage: true } });
    expect(shown).toMatchObject({ kind: 'chunks', usage, chunks: [{ raw: spaced }] });
    // A key written with an escape is the same key.
    const escaped = step('{"\\u0065rror": {"message": "overloaded", "type": "server_error"}}');
    expect(escaped).toMatchObject({ kind: 'error', failure: { message: 'overloaded', source: 'provider' } });
    // The word in a text is not an error, nor is a usage key that holds no usage.
    expect(step(JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: { content: '"error": {"usage":{' } }] }))).toMatchObject({ kind: 'chunks', usage: null, chunks: [{}] });
    expect(step(JSON.stringify({ id: 'c1', choices: [], usage: null }))).toMatchObject({ kind: 'chunks', usage: null });
  });

  it('fails on an event whose choices the gateway could not read, instead of crashing on it later', () => {
    const bad = [
      { choices: [null] },
      { choices: 5 },
      { choices: [{ index: 0, delta: null }] },
      { choices: [{ index: 0, delta: { content: 5 } }] },
      { choices: [{ index: 0, delta: { tool_calls: [null] } }] },
      { choices: [{ index: 0, delta: { tool_calls: 'x' } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: 'f' }] } }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 3 }] },
    ];
    for (const event of bad) {
      expect(step(JSON.stringify(event)), JSON.stringify(event)).toMatchObject({ kind: 'error', failure: { class: 'server', code: 'upstream_malformed', maybeAccepted: true } });
    }
    // What OpenAI, Azure and OpenAI-compatible servers do send passes.
    const good = [
      { choices: [] },
      { id: 'x', choices: [], prompt_filter_results: [{ prompt_index: 0 }] },
      { choices: [{ index: 0, delta: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: null }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish_reason: 'tool_calls' }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null },
    ];
    for (const event of good) expect(step(JSON.stringify(event)).kind, JSON.stringify(event)).toBe('chunks');
  });

  it('ends on [DONE] and fails on an event that is not JSON', () => {
    expect(step('[DONE]')).toEqual({ kind: 'done' });
    expect(step('{"id": "c1", "choices": [')).toMatchObject({ kind: 'error', failure: { code: 'upstream_malformed', maybeAccepted: true } });
  });
});

describe('answers', () => {
  it('fails on choices the gateway could not read, and passes what providers send', () => {
    for (const body of [{ choices: [{ message: null }] }, { choices: [null] }, { choices: [{ message: { content: 5 } }] }, { choices: [{ message: { tool_calls: [1] } }] }]) {
      expect(chatResponse(body), JSON.stringify(body)).toMatchObject({ ok: false, failure: { code: 'upstream_malformed', maybeAccepted: true } });
    }
    const answer = { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, logprobs: null, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
    expect(chatResponse(answer)).toMatchObject({ ok: true, usage: { prompt_tokens: 1 } });
    expect(chatResponse({ choices: [] })).toMatchObject({ ok: true });
  });
});
