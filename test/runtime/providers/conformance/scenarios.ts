/**
 * The client requests of the conformance suite, in OpenAI's chat completions shape. Every
 * adapter gets the same requests; its transcripts say what the provider must receive.
 */
import type { Scenario, ScenarioName } from './types.ts';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
  },
};
const TIME_TOOL = {
  type: 'function',
  function: { name: 'get_time', description: 'Local time in a time zone.', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
};
const hello = [{ role: 'user', content: 'Hello, who are you?' }];
/** A 1×1 transparent PNG. */
export const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Every scenario, by name. */
export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  plain: { name: 'plain', description: 'one user message, non-streaming', endpoint: 'chat', body: { messages: hello } },
  params: {
    name: 'params',
    description: 'sampling parameters, max tokens and stop sequences',
    endpoint: 'chat',
    body: { messages: hello, temperature: 0.2, top_p: 0.9, max_tokens: 256, stop: ['\n\nHuman:', 'END'] },
  },
  'system-multi-turn': {
    name: 'system-multi-turn',
    description: 'two system prompts (one mid-conversation) and several turns',
    endpoint: 'chat',
    body: {
      messages: [
        { role: 'system', content: 'You are a terse assistant.' },
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: 'Paris.' },
        { role: 'system', content: 'Answer in French from now on.' },
        { role: 'user', content: 'And of Germany?' },
      ],
    },
  },
  tools: {
    name: 'tools',
    description: 'tools offered, the model calls two in parallel',
    endpoint: 'chat',
    body: { messages: [{ role: 'user', content: 'Weather and time in Oslo?' }], tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: 'auto' },
  },
  'tool-results': {
    name: 'tool-results',
    description: 'the conversation continues with the results of two tool calls',
    endpoint: 'chat',
    body: {
      messages: [
        { role: 'user', content: 'Weather and time in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_w', content: '{"temp_c":4,"sky":"overcast"}' },
        { role: 'tool', tool_call_id: 'call_t', content: '{"time":"14:05"}' },
      ],
      tools: [WEATHER_TOOL, TIME_TOOL],
    },
  },
  'image-url': {
    name: 'image-url',
    description: 'a user message with text and an image by https URL',
    endpoint: 'chat',
    body: {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' } }] }],
    },
  },
  'image-base64': {
    name: 'image-base64',
    description: 'a user message with an image as a base64 data URL',
    endpoint: 'chat',
    body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe this.' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } }] }] },
  },
  'stream-text': { name: 'stream-text', description: 'streamed text; the client does not ask for usage', endpoint: 'chat', body: { messages: hello, stream: true } },
  'stream-usage': {
    name: 'stream-usage',
    description: 'streamed text with usage asked for by the client',
    endpoint: 'chat',
    body: { messages: hello, stream: true, stream_options: { include_usage: true } },
  },
  'stream-parallel-tools': {
    name: 'stream-parallel-tools',
    description: 'streamed parallel tool calls: indexes, ids and names must survive',
    endpoint: 'chat',
    body: { messages: [{ role: 'user', content: 'Weather and time in Oslo?' }], tools: [WEATHER_TOOL, TIME_TOOL], stream: true },
  },
  'stream-error-midway': { name: 'stream-error-midway', description: 'the provider reports an error after some text', endpoint: 'chat', body: { messages: hello, stream: true } },
  'error-rate-limited': { name: 'error-rate-limited', description: 'the provider rate-limits the call', endpoint: 'chat', body: { messages: hello } },
  'error-overloaded': { name: 'error-overloaded', description: 'the provider is overloaded', endpoint: 'chat', body: { messages: hello } },
  'error-timeout': { name: 'error-timeout', description: 'the provider gives up waiting for the model', endpoint: 'chat', body: { messages: hello } },
  'error-server': { name: 'error-server', description: 'the provider fails with a server error', endpoint: 'chat', body: { messages: hello } },
  'error-auth': { name: 'error-auth', description: 'the provider refuses the key', endpoint: 'chat', body: { messages: hello } },
  'error-invalid-request': { name: 'error-invalid-request', description: 'the provider rejects the request as invalid', endpoint: 'chat', body: { messages: hello, temperature: 5 } },
  'error-context-length': { name: 'error-context-length', description: 'the prompt is longer than the model takes', endpoint: 'chat', body: { messages: hello } },
  'error-content-filtered': { name: 'error-content-filtered', description: 'the provider blocks the content', endpoint: 'chat', body: { messages: hello } },
  embeddings: { name: 'embeddings', description: 'embeddings of two strings', endpoint: 'embeddings', body: { input: ['The food was delicious.', 'The waiter was friendly.'] } },
};
