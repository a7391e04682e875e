/** OpenAI chat requests → Converse input: messages, system prompts, tools, parameters, refusals. */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { chatRequest, converseInput } from '../../../../runtime/providers/bedrock/chat-request.ts';
import { UnsupportedInput } from '../../../../runtime/providers/types.ts';
import { bodyOf, call, PROVIDER } from './support.ts';

const user = (content: unknown): JsonObject => ({ role: 'user', content });
const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const refused = (body: JsonObject, message: string | RegExp): void => {
  expect(() => converseInput(body)).toThrow(UnsupportedInput);
  expect(() => converseInput(body)).toThrow(message);
};

describe('the pseudo-URL', () => {
  it('names the operation and percent-encodes the model id (inference profiles, ARNs)', () => {
    expect(chatRequest(call({ messages: [user('hi')] })).url).toBe('bedrock://us-east-1/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    expect(chatRequest(call({ messages: [user('hi')], stream: true }, 'us.anthropic.claude-3-5-haiku-20241022-v1:0')).url).toBe(
      'bedrock://us-east-1/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream',
    );
    const arn = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123';
    expect(chatRequest(call({ messages: [user('hi')] }, arn)).url).toContain(`/model/${encodeURIComponent(arn)}/converse`);
  });

  it('uses "default" as host when the provider has no region (the SDK then takes AWS_REGION)', () => {
    expect(chatRequest(call({ messages: [user('hi')] }, 'm', { ...PROVIDER, region: null })).url).toBe('bedrock://default/model/m/converse');
  });

  it('sends the Converse input without stream flags or the model', () => {
    expect(bodyOf(chatRequest(call({ messages: [user('hi')], stream: true, stream_options: { include_usage: true } })).body)).toEqual({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
  });
});

describe('messages', () => {
  it('collects every system and developer message, in order, into system', () => {
    const out = converseInput({
      messages: [{ role: 'system', content: 'one' }, user('q'), { role: 'developer', content: [{ type: 'text', text: 'two' }] }, { role: 'system', content: 'three' }],
    });
    expect(out.system).toEqual([{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ text: 'q' }] }]);
  });

  it('merges consecutive turns of one role (strict alternation)', () => {
    const out = converseInput({ messages: [user('a'), user('b'), { role: 'assistant', content: 'c' }, { role: 'assistant', content: 'd' }, user('e')] });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ text: 'a' }, { text: 'b' }] },
      { role: 'assistant', content: [{ text: 'c' }, { text: 'd' }] },
      { role: 'user', content: [{ text: 'e' }] },
    ]);
  });

  it('drops blank text (Converse refuses blank blocks) and messages left empty', () => {
    const out = converseInput({ messages: [user('a'), { role: 'assistant', content: '' }, user(' '), user('b')] });
    expect(out.messages).toEqual([{ role: 'user', content: [{ text: 'a' }, { text: 'b' }] }]);
  });

  it('turns assistant tool calls into toolUse blocks and tool messages into toolResult blocks of one user turn', () => {
    const out = converseInput({
      messages: [
        user('weather?'),
        { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }, { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'cold' },
        { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'warm' }] },
        user('thanks'),
      ],
      tools: [weather],
    });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ text: 'weather?' }] },
      { role: 'assistant', content: [{ text: 'Let me look.' }, { toolUse: { toolUseId: 'c1', name: 'get_weather', input: { city: 'Oslo' } } }, { toolUse: { toolUseId: 'c2', name: 'get_weather', input: {} } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'c1', content: [{ text: 'cold' }] } }, { toolResult: { toolUseId: 'c2', content: [{ text: 'warm' }] } }, { text: 'thanks' }] },
    ]);
  });

  it('keeps base64 images as base64 (the JSON the SDK sends) with the format from the media type', () => {
    const out = converseInput({ messages: [user([{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ', detail: 'low' } }])] });
    expect(out.messages).toEqual([{ role: 'user', content: [{ text: 'look' }, { image: { format: 'jpeg', source: { bytes: '/9j/4AAQ' } } }] }]);
  });

  it('refuses image URLs, unknown image types, other parts and roles', () => {
    refused({ messages: [user([{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }])] }, 'image URLs are not supported');
    refused({ messages: [user([{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }])] }, 'image/bmp');
    refused({ messages: [user([{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }])] }, 'input_audio');
    refused({ messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'role "function"');
  });

  it('refuses tool call arguments that are not a JSON object', () => {
    const m = (args: string): JsonObject => ({ messages: [user('q'), { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args } }] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }], tools: [weather] });
    refused(m('[1,2]'), 'must be a JSON object');
    refused(m('{"a":'), 'must be a JSON object');
  });
});

describe('tools', () => {
  it('becomes toolConfig.tools[].toolSpec with inputSchema.json (an empty object schema when none is given)', () => {
    const out = converseInput({ messages: [user('q')], tools: [weather, { type: 'function', function: { name: 'ping', description: 'Ping.', strict: true } }] });
    expect(out.toolConfig).toEqual({
      tools: [
        { toolSpec: { name: 'get_weather', inputSchema: { json: weather.function.parameters } } },
        { toolSpec: { name: 'ping', description: 'Ping.', inputSchema: { json: { type: 'object', properties: {} } }, strict: true } },
      ],
    });
  });

  it('maps tool_choice auto, required and a named function; leaves it out when absent', () => {
    const choice = (tool_choice: unknown): unknown => (converseInput({ messages: [user('q')], tools: [weather], tool_choice }).toolConfig as JsonObject).toolChoice;
    expect(choice('auto')).toEqual({ auto: {} });
    expect(choice('required')).toEqual({ any: {} });
    expect(choice({ type: 'function', function: { name: 'get_weather' } })).toEqual({ tool: { name: 'get_weather' } });
    expect(choice(undefined)).toBeUndefined();
  });

  it('expresses tool_choice "none" by leaving the tools out, and refuses it when the conversation holds tool calls', () => {
    expect(converseInput({ messages: [user('q')], tools: [weather], tool_choice: 'none' }).toolConfig).toBeUndefined();
    refused(
      { messages: [user('q'), { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }], tools: [weather], tool_choice: 'none' },
      'tool_choice "none"',
    );
  });

  it('refuses a conversation with tool calls but no tools (Converse needs toolConfig then), and non-function tools', () => {
    refused({ messages: [user('q'), { role: 'tool', tool_call_id: 'c1', content: 'r' }] }, 'needs the "tools" definitions');
    refused({ messages: [user('q')], tools: [{ type: 'web_search' }] }, 'only function tools');
    refused({ messages: [user('q')], tool_choice: 'required' }, 'tool_choice needs "tools"');
  });
});

describe('parameters', () => {
  it('maps max tokens, temperature, top_p and stop to inferenceConfig', () => {
    expect(converseInput({ messages: [user('q')], max_tokens: 10, temperature: 0, top_p: 1, stop: 'END' }).inferenceConfig).toEqual({ maxTokens: 10, temperature: 0, topP: 1, stopSequences: ['END'] });
    expect(converseInput({ messages: [user('q')], max_completion_tokens: 20, max_tokens: 10 }).inferenceConfig).toEqual({ maxTokens: 20 });
    expect(converseInput({ messages: [user('q')], temperature: null }).inferenceConfig).toBeUndefined();
  });

  it('ignores fields that cannot change the answer and accepts defaults', () => {
    expect(() => converseInput({ messages: [user('q')], user: 'u-1', metadata: { a: 'b' }, n: 1, parallel_tool_calls: true, logprobs: false, store: false, presence_penalty: 0, response_format: { type: 'text' }, seed: null })).not.toThrow();
  });

  it('refuses what Converse cannot do, naming the field', () => {
    refused({ messages: [user('q')], n: 2 }, '"n": 2');
    refused({ messages: [user('q')], seed: 7 }, '"seed" is not supported');
    refused({ messages: [user('q')], response_format: { type: 'json_object' } }, '"response_format"');
    refused({ messages: [user('q')], parallel_tool_calls: false }, '"parallel_tool_calls": false');
    refused({ messages: [user('q')], logit_bias: { 1: 2 } }, '"logit_bias"');
  });
});
