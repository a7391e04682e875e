/**
 * End to end with the real `openai` SDK: what a client sees for plain, streamed and tool
 * calls, embeddings, Azure and parameters, and what the providers received.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddings, reply, resetMidStream, stream } from '../support/fake-upstream/index.ts';
import { ask, CLIENT_KEY, collect, PROVIDER_KEYS, recordsAfter, startRig, type Rig } from './harness.ts';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => {
  await rig.close();
});

describe('chat completions', () => {
  it('answers a plain completion from the first target and says how it was served', async () => {
    rig.fakes.byName.primary.script(reply({ content: 'Hello there' }));
    const { data, response } = await rig.client.chat.completions.create({ model: 'chat', messages: ask }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello there');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-sluice-route')).toBe('chat');
    expect(response.headers.get('x-sluice-provider')).toBe('primary');
    expect(response.headers.get('x-sluice-attempts')).toBe('1');
    expect(response.headers.get('x-sluice-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(rig.fakes.tried()).toEqual(['primary']);
    const sent = rig.fakes.requests()[0]!;
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.headers.authorization).toBe(`Bearer ${PROVIDER_KEYS.PRIMARY_KEY}`);
    expect(JSON.stringify(sent.headers)).not.toContain(CLIENT_KEY);
    expect(sent.body).toMatchObject({ messages: ask });
  });

  it('streams chunk by chunk and hides the usage chunk the client did not ask for', async () => {
    rig.fakes.byName.primary.script(stream({ content: 'one two three four', delayMs: 5 }));
    const { data: sdkStream, response } = await rig.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }).withResponse();
    // Nothing between here and the client may buffer the stream.
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const { text, chunks } = await collect(sdkStream);
    expect(text).toBe('one two three four');
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(rig.fakes.requests()[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('relays a whole stream that arrives in one read, in order, with its finish and usage', async () => {
    rig.fakes.byName.primary.script(stream({ chunks: ['one', ' two', ' three', ' four', ' five'], layout: 'openai', burst: true }));
    const { text, chunks } = await collect(await rig.client.chat.completions.create({ model: 'chat', messages: ask, stream: true, stream_options: { include_usage: true } }));
    expect(text).toBe('one two three four five');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'stop')).toHaveLength(1);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('records usage from the stream, and an estimate marked as such when the provider sends none', async () => {
    rig.fakes.byName.primary.script(stream({ content: 'one two three four' }));
    rig.fakes.byName.secondary.script(stream({ content: 'five six seven eight' }));
    await collect(await rig.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }));
    await collect(await rig.client.chat.completions.create({ model: 'tiered', messages: ask, stream: true }, { headers: { 'x-tier': 'premium' } }));
    const [reported, estimated] = await recordsAfter(rig, 2);
    expect(reported).toMatchObject({ route: 'chat', consumer: 'team', stream: true, status: 200, usage: { estimated: false }, planHash: rig.gateway.plan.hash });
    expect(reported!.usage!.completionTokens).toBeGreaterThan(0);
    expect(rig.fakes.byName.secondary.requests[0]!.body).not.toHaveProperty('stream_options');
    expect(estimated).toMatchObject({ route: 'tiered', usage: { estimated: true, completionTokens: 5 } });
    expect(estimated!.attempts).toEqual([{ provider: 'secondary', model: 'llama-3.1-70b', status: 200, errorClass: null, latencyMs: expect.any(Number) as number }]);
  });

  it('passes the usage chunk through when the client asks for it', async () => {
    rig.fakes.byName.primary.script(stream({ content: 'one two' }));
    const { chunks } = await collect(await rig.client.chat.completions.create({ model: 'chat', messages: ask, stream: true, stream_options: { include_usage: true } }));
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('returns tool calls', async () => {
    rig.fakes.byName.primary.script(reply({ content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const r = await rig.client.chat.completions.create({ model: 'chat', messages: ask, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] });
    expect(r.choices[0]?.finish_reason).toBe('tool_calls');
    expect(r.choices[0]?.message.tool_calls?.[0]).toMatchObject({ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    expect(rig.fakes.requests()[0]!.body).toMatchObject({ tools: [{ function: { name: 'get_weather' } }] });
  });

  it('keeps indexes, ids and names of streamed parallel tool calls', async () => {
    rig.fakes.byName.primary.script(
      stream({
        content: null,
        toolCalls: [
          { id: 'call_a', name: 'get_weather', arguments: { city: 'Oslo', unit: 'c' } },
          { id: 'call_b', name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
        ],
        interleave: true,
      }),
    );
    const { chunks } = await collect(await rig.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }));
    const calls = new Map<number, { id: string; name: string; args: string }>();
    for (const c of chunks) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        const cur = calls.get(t.index) ?? { id: '', name: '', args: '' };
        calls.set(t.index, { id: cur.id || (t.id ?? ''), name: cur.name || (t.function?.name ?? ''), args: cur.args + (t.function?.arguments ?? '') });
      }
    }
    expect([...calls.entries()]).toEqual([
      [0, { id: 'call_a', name: 'get_weather', args: '{"city":"Oslo","unit":"c"}' }],
      [1, { id: 'call_b', name: 'get_time', args: '{"zone":"Europe/Oslo"}' }],
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('applies target params over the client’s', async () => {
    await rig.client.chat.completions.create({ model: 'cold', messages: ask, temperature: 1.2 });
    expect(rig.fakes.requests()[0]!.body).toMatchObject({ temperature: 0, max_tokens: 64, model: 'gpt-4o-mini' });
  });

  it('passes the requested model through on a "*" target', async () => {
    await rig.client.chat.completions.create({ model: 'open/gpt-5-preview', messages: ask });
    expect(rig.fakes.requests()[0]!.model).toBe('open/gpt-5-preview');
  });

  it('answers a model name in any script, and names it in x-sluice-model percent-encoded', async () => {
    for (const model of ['open/模型-é', 'open/100%-😀']) {
      const { data, response } = await rig.client.chat.completions.create({ model, messages: ask }).withResponse();
      expect(data.choices[0]?.message.content).toBeTruthy();
      const header = response.headers.get('x-sluice-model')!;
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      expect(decodeURIComponent(header)).toBe(model);
      const streamed = await rig.client.chat.completions.create({ model, messages: ask, stream: true }).withResponse();
      expect(decodeURIComponent(streamed.response.headers.get('x-sluice-model')!)).toBe(model);
      expect((await collect(streamed.data)).text).toBeTruthy();
    }
    expect(rig.fakes.requests().map((r) => r.model)).toEqual(['open/模型-é', 'open/模型-é', 'open/100%-😀', 'open/100%-😀']);
  });

  it('calls Azure at the deployment URL with its api-key header', async () => {
    const r = await rig.client.chat.completions.create({ model: 'azure-gpt4o', messages: ask });
    expect(r.choices[0]?.message.content).toContain('azure');
    const sent = rig.fakes.byName.azure.requests[0]!;
    expect(sent.path).toBe('/openai/deployments/prod-gpt4o/chat/completions');
    expect(sent.query).toMatchObject({ 'api-version': '2024-10-21' });
    expect(sent.headers['api-key']).toBe(PROVIDER_KEYS.AZURE_KEY);
    expect(sent.headers.authorization).toBeUndefined();
  });

  it('routes on a header and on x-sluice-metadata', async () => {
    await rig.client.chat.completions.create({ model: 'tiered', messages: ask }, { headers: { 'x-tier': 'premium' } });
    await rig.client.chat.completions.create({ model: 'tiered', messages: ask }, { headers: { 'x-sluice-metadata': '{"feature":"summaries"}' } });
    await rig.client.chat.completions.create({ model: 'tiered', messages: ask });
    expect(rig.fakes.tried()).toEqual(['secondary', 'azure', 'primary']);
    expect(rig.fakes.byName.secondary.requests[0]!.model).toBe('llama-3.1-70b');
  });

  it('routes on the caller’s country (CloudFront-Viewer-Country) and on the consumer', async () => {
    await rig.client.chat.completions.create({ model: 'geo', messages: ask }, { headers: { 'cloudfront-viewer-country': 'DE' } });
    await rig.client.chat.completions.create({ model: 'geo', messages: ask }, { headers: { 'cloudfront-viewer-country': 'FR' } });
    // Not a country code: ignored, so the consumer branch decides.
    await rig.client.chat.completions.create({ model: 'geo', messages: ask }, { headers: { 'cloudfront-viewer-country': 'de;drop' } });
    expect(rig.fakes.tried()).toEqual(['secondary', 'azure', 'azure']);
  });

  it('spreads a weighted load balance, sticky per consumer: one consumer keeps its target', async () => {
    const served = new Set<string | null>();
    for (let i = 0; i < 6; i++) {
      const { response } = await rig.client.chat.completions.create({ model: 'spread', messages: ask }).withResponse();
      served.add(response.headers.get('x-sluice-provider'));
    }
    expect(served.size).toBe(1);
    expect(['primary', 'secondary']).toContain([...served][0]);
    expect(rig.fakes.tried()).toHaveLength(6);
  });

  it('refuses bad metadata with 400 invalid_metadata before calling anyone', async () => {
    await expect(rig.client.chat.completions.create({ model: 'tiered', messages: ask }, { headers: { 'x-sluice-metadata': 'not json' } })).rejects.toMatchObject({ status: 400, code: 'invalid_metadata' });
    expect(rig.fakes.tried()).toEqual([]);
  });
});

describe('embeddings and models', () => {
  it('returns embeddings', async () => {
    rig.fakes.byName.primary.script(embeddings({ dims: 8 }));
    const r = await rig.client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(r.data).toHaveLength(2);
    expect(r.data[0]?.embedding).toHaveLength(8);
    expect(rig.fakes.requests()[0]!.path).toBe('/v1/embeddings');
  });

  it('lists the models the key may use', async () => {
    const ids: string[] = [];
    for await (const m of rig.client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['azure-gpt4o', 'careful', 'chat', 'cold', 'eager', 'embed', 'geo', 'gpt-4o-mini', 'hurry', 'open/*', 'solo', 'spread', 'stubborn', 'tiered']);
  });

  it('rejects a chat model on the embeddings endpoint and an unknown model', async () => {
    await expect(rig.client.embeddings.create({ model: 'chat', input: 'x' })).rejects.toMatchObject({ status: 400, code: 'wrong_endpoint' });
    await expect(rig.client.chat.completions.create({ model: 'gpt-9', messages: ask })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('rejects a wrong key with 401', async () => {
    const { default: OpenAI } = await import('openai');
    const stranger = new OpenAI({ baseURL: `${rig.gateway.url}/v1`, apiKey: 'sk-not-a-key', maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: 'chat', messages: ask })).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(rig.fakes.tried()).toEqual([]);
  });
});

describe('native pass-through', () => {
  it('forwards a provider-native call with the provider key and streams the answer back', async () => {
    rig.fakes.byName.primary.script(reply({ content: 'native hello' }));
    const res = await fetch(`${rig.gateway.url}/native/primary/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: ask }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-sluice-provider')).toBe('primary');
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('native hello');
    const sent = rig.fakes.requests()[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${PROVIDER_KEYS.PRIMARY_KEY}`);
  });

  it('cuts the client off when the provider breaks off its answer, instead of ending it normally', async () => {
    rig.fakes.byName.primary.script(resetMidStream(2));
    const res = await fetch(`${rig.gateway.url}/native/primary/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: ask }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('passes a body nested too deep to measure through unchanged, without failing', async () => {
    rig.fakes.byName.primary.script(reply({ content: 'deep' }));
    const deep = `{"model": "gpt-4o-mini", "messages": ${JSON.stringify(ask)}, "metadata": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const res = await fetch(`${rig.gateway.url}/native/primary/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: deep,
    });
    expect(res.status).toBe(200);
    expect(rig.fakes.requests()[0]!.rawBody).toBe(deep);
  });

  it('needs a key and a known provider', async () => {
    expect((await fetch(`${rig.gateway.url}/native/primary/models`)).status).toBe(401);
    const res = await fetch(`${rig.gateway.url}/native/nope/models`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    expect(res.status).toBe(404);
  });
});
