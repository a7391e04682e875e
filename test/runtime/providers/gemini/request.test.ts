/**
 * OpenAI chat requests → Gemini requests: URLs and the key header, roles and merging, system
 * instructions, tool calls and their results, images, parameters, tools and tool_choice, and
 * what is refused rather than dropped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { geminiAdapter } from '../../../../runtime/providers/gemini/index.ts';
import { UnsupportedInput } from '../../../../runtime/providers/types.ts';
import { built, call, chatBody, chatReq, embedReq, hi, KEY, provider } from './support.ts';

const refused = (body: Record<string, unknown>, message: string | RegExp) => {
  expect(() => chatReq(body)).toThrow(UnsupportedInput);
  expect(() => chatReq(body)).toThrow(message);
};

describe('URL and headers', () => {
  it('generateContent with the key in x-goog-api-key', () => {
    const r = chatReq({ messages: hi });
    expect(r.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(r.method).toBe('POST');
    expect(r.headers).toMatchObject({ 'x-goog-api-key': KEY, 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'sluice-test' });
    expect(r.headers.authorization).toBeUndefined();
  });

  it('streamGenerateContent with alt=sse, the only query parameter', () => {
    const r = chatReq({ messages: hi, stream: true });
    expect(r.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect([...new URL(r.url).searchParams.keys()]).toEqual(['alt']);
    expect(r.headers.accept).toBe('text/event-stream');
  });

  it('keeps a models/ or tunedModels/ prefix and refuses ids that could leave the collection', () => {
    expect(chatReq({ messages: hi }, 'models/gemini-2.0-flash').url).toContain('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(chatReq({ messages: hi }, 'tunedModels/my-model-7').url).toContain('/v1beta/tunedModels/my-model-7:generateContent');
    for (const bad of ['../files', 'gemini/../../files', 'gemini-2.5-flash:generateContent?key=x', 'a b', '', 'files/abc']) {
      expect(() => chatReq({ messages: hi }, bad)).toThrow(/is not a Gemini model id/);
    }
  });

  it('passes no key header when the provider has no key', () => {
    const r = geminiAdapter.chat.request({ ...call({ messages: hi }), apiKey: null });
    expect(r.headers['x-goog-api-key']).toBeUndefined();
  });

  it('native pass-through: the path under base_url, the key as a header, a client ?key= removed', () => {
    const n = geminiAdapter.native!;
    expect(n.url(provider, 'models', '')).toBe('https://generativelanguage.googleapis.com/v1beta/models');
    expect(n.url(provider, 'models/gemini-2.5-flash:countTokens', '?alt=json')).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens?alt=json');
    expect(n.url(provider, 'models', '?key=AIzaSomething&pageSize=5')).toBe('https://generativelanguage.googleapis.com/v1beta/models?pageSize=5');
    expect(n.url(provider, 'models', '?key=AIzaSomething')).toBe('https://generativelanguage.googleapis.com/v1beta/models');
    expect(n.headers(provider, KEY)).toEqual({ 'x-goog-api-key': KEY });
    expect(n.headers(provider, null)).toEqual({});
  });
});

describe('roles and turns', () => {
  it('assistant → model; consecutive same-role messages are merged into one turn', () => {
    const b = chatBody({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'three' },
        { role: 'assistant', content: [{ type: 'text', text: 'four' }] },
        { role: 'user', content: 'five' },
      ],
    });
    expect(b.contents).toEqual([
      { role: 'user', parts: [{ text: 'one' }, { text: 'two' }] },
      { role: 'model', parts: [{ text: 'three' }, { text: 'four' }] },
      { role: 'user', parts: [{ text: 'five' }] },
    ]);
  });

  it('every system and developer message, in order, goes to systemInstruction', () => {
    const b = chatBody({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'q1' },
        { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
        { role: 'user', content: 'q2' },
      ],
    });
    expect(b.systemInstruction).toEqual({ parts: [{ text: 'Be terse.' }, { text: 'Use French.' }] });
    expect(b.contents).toEqual([{ role: 'user', parts: [{ text: 'q1' }, { text: 'q2' }] }]);
  });

  it('no systemInstruction without system messages; empty messages carry nothing', () => {
    const b = chatBody({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '' }, { role: 'user', content: 'y' }] });
    expect(b).not.toHaveProperty('systemInstruction');
    expect(b.contents).toEqual([{ role: 'user', parts: [{ text: 'x' }, { text: 'y' }] }]);
  });

  it('refuses roles and parts it cannot send', () => {
    refused({ messages: [{ role: 'function', name: 'f', content: 'x' }] }, /role "function"/);
    refused({ messages: [{ content: 'x' }] }, /has no role/);
    refused({ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }] }, /only text parts/);
    refused({ messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] }, /content part type "video"/);
  });
});

describe('tool calls and tool results', () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const assistant = {
    role: 'assistant',
    content: 'Let me check.',
    tool_calls: [
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' }, extra_content: { google: { thought_signature: 'sig-1' } } },
      { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } },
    ],
  };

  it('assistant tool calls → functionCall parts (thought signature passed back); results → one user turn of functionResponse parts, named by the call', () => {
    const b = chatBody({
      tools,
      messages: [
        { role: 'user', content: 'Weather in Oslo and Bergen?' },
        assistant,
        { role: 'tool', tool_call_id: 'call_b', content: 'rain' },
        { role: 'tool', tool_call_id: 'call_a', content: '{"temp_c":4}' },
        { role: 'user', content: 'Thanks. And tomorrow?' },
      ],
    });
    expect(b.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Oslo and Bergen?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me check.' },
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'sig-1' },
          { functionCall: { name: 'get_weather', args: { city: 'Bergen' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: 'rain' } } },
          { functionResponse: { name: 'get_weather', response: { temp_c: 4 } } },
          { text: 'Thanks. And tomorrow?' },
        ],
      },
    ]);
  });

  it('non-object JSON results go under "output"; text parts are joined', () => {
    const b = chatBody({
      tools,
      messages: [assistant, { role: 'tool', tool_call_id: 'call_a', content: '[1,2]' }, { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
    });
    expect((b.contents as { parts: unknown[] }[])[1]!.parts).toEqual([
      { functionResponse: { name: 'get_weather', response: { output: [1, 2] } } },
      { functionResponse: { name: 'get_weather', response: { output: 'ab' } } },
    ]);
  });

  it('refuses a result for a call no assistant message made, arguments that are not a JSON object, and legacy function_call', () => {
    refused({ messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] }, /tool_call_id "nope" answers no tool call/);
    refused({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }, /are not JSON/);
    refused({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] }, /must be a JSON object/);
    refused({ messages: [{ role: 'assistant', function_call: { name: 'f', arguments: '{}' } }] }, /legacy "function_call"/);
  });

  it('empty arguments are an empty object', () => {
    const b = chatBody({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '' } }] }] });
    expect(b.contents).toEqual([{ role: 'model', parts: [{ functionCall: { name: 'now', args: {} } }] }]);
  });
});

describe('images, audio and files', () => {
  const user = (part: unknown) => ({ messages: [{ role: 'user', content: [part] }] });

  it('base64 data URLs → inlineData', () => {
    expect(chatBody(user({ type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==', detail: 'high' } })).contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } }] },
    ]);
    expect(chatBody(user({ type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } })).contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } }] },
    ]);
    expect(chatBody(user({ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } })).contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } }] },
    ]);
  });

  it('https URLs → fileData with the MIME type of the extension', () => {
    expect(chatBody(user({ type: 'image_url', image_url: { url: 'https://example.com/a/cat.PNG?sig=1' } })).contents).toEqual([
      { role: 'user', parts: [{ fileData: { mimeType: 'image/png', fileUri: 'https://example.com/a/cat.PNG?sig=1' } }] },
    ]);
  });

  it('refuses http URLs, URLs without a known image extension, non-base64 data URLs and file ids', () => {
    refused(user({ type: 'image_url', image_url: { url: 'http://example.com/cat.png' } }), /only from https URLs/);
    refused(user({ type: 'image_url', image_url: { url: 'https://example.com/image?id=3' } }), /does not end in \.png, \.jpg/);
    refused(user({ type: 'image_url', image_url: { url: 'data:image/svg+xml,<svg/>' } }), /must be base64/);
    refused(user({ type: 'file', file: { file_id: 'file-abc' } }), /not by file_id/);
    refused(user({ type: 'input_audio', input_audio: { data: 'x', format: 'flac' } }), /wav or mp3/);
  });
});

describe('parameters', () => {
  it('sampling, length, stop, penalties, seed → generationConfig', () => {
    const b = chatBody({ messages: hi, temperature: 0.3, top_p: 0.8, max_tokens: 100, stop: 'END', presence_penalty: 0.5, frequency_penalty: 0.25, seed: 7 });
    expect(b.generationConfig).toEqual({ temperature: 0.3, topP: 0.8, maxOutputTokens: 100, stopSequences: ['END'], presencePenalty: 0.5, frequencyPenalty: 0.25, seed: 7 });
  });

  it('max_completion_tokens wins over max_tokens; nulls count as unset; no generationConfig when nothing is set', () => {
    expect(chatBody({ messages: hi, max_tokens: 5, max_completion_tokens: 9 }).generationConfig).toEqual({ maxOutputTokens: 9 });
    expect(chatBody({ messages: hi, temperature: null, stop: null, n: 1, user: 'u-1', metadata: { a: '1' }, store: false })).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('n → candidateCount, but not for streams', () => {
    expect(chatBody({ messages: hi, n: 2 }).generationConfig).toEqual({ candidateCount: 2 });
    refused({ messages: hi, n: 2, stream: true }, /"n" above 1 cannot be streamed/);
  });

  it('response_format json_object and json_schema → responseMimeType (+ responseSchema, translated)', () => {
    expect(chatBody({ messages: hi, response_format: { type: 'json_object' } }).generationConfig).toEqual({ responseMimeType: 'application/json' });
    expect(chatBody({ messages: hi, response_format: { type: 'text' } })).not.toHaveProperty('generationConfig');
    const b = chatBody({
      messages: hi,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false } } },
    });
    expect(b.generationConfig).toEqual({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } }, required: ['ok'] } });
    refused({ messages: hi, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } }, patternProperties: {} } } } }, /^response_format "answer": the JSON Schema keyword "patternProperties"/);
  });

  it('refuses parameters it cannot send instead of dropping them', () => {
    refused({ messages: hi, logprobs: true }, 'the parameter "logprobs" cannot be sent to Gemini');
    refused({ messages: hi, logit_bias: { 1: 2 } }, /"logit_bias"/);
    refused({ messages: hi, reasoning_effort: 'low' }, /"reasoning_effort"/);
    refused({ messages: hi, parallel_tool_calls: false, tools: [] }, /parallel_tool_calls/);
    refused({ messages: hi, modalities: ['text', 'audio'] }, /modalities/);
    expect(chatBody({ messages: hi, modalities: ['text'], parallel_tool_calls: true })).not.toHaveProperty('generationConfig');
  });
});

describe('tools and tool_choice', () => {
  const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather.', strict: true, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } };
  const now = { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } };

  it('functions → one tool with every declaration; empty parameters are left unset', () => {
    expect(chatBody({ messages: hi, tools: [weather, now] }).tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Weather.', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } },
          { name: 'now' },
        ],
      },
    ]);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'now' } }, { mode: 'ANY', allowedFunctionNames: ['now'] }],
    [{ type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'now' } }] } }, { mode: 'ANY', allowedFunctionNames: ['now'] }],
  ])('tool_choice %j → functionCallingConfig %j', (choice, config) => {
    expect(chatBody({ messages: hi, tools: [weather, now], tool_choice: choice }).toolConfig).toEqual({ functionCallingConfig: config });
  });

  it('refuses non-function tools, tool choices it cannot express, and a forced tool without tools', () => {
    refused({ messages: hi, tools: [{ type: 'web_search' }] }, /only function tools/);
    refused({ messages: hi, tools: [weather], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }, /allowed_tools/);
    refused({ messages: hi, tool_choice: 'required' }, /has no tools/);
    expect(chatBody({ messages: hi, tool_choice: 'none' })).not.toHaveProperty('toolConfig');
    refused({ messages: hi, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'string' } } } } } }] }, /^tool "f": the JSON Schema keyword "additionalProperties" \(at \/properties\/m\)/);
  });
});

afterAll(() => {
  // The key travels only in the header: not in any URL built above (chat, streams, embeddings).
  embedReq({ input: 'x' });
  expect(built.length).toBeGreaterThan(20);
  for (const r of built) {
    expect(r.url).not.toContain(KEY);
    expect(r.url).not.toMatch(/[?&]key=/);
  }
});
