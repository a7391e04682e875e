/**
 * Gemini answers → chat completions: finish reasons, usage fields, tool calls, several
 * candidates, and safety blocks of the prompt and of the answer.
 */
import { describe, expect, it } from 'vitest';
import { chatResponse } from '../../../../runtime/providers/gemini/response.ts';
import { call, hi } from './support.ts';

const input = call({ messages: hi });
const answer = (candidate: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ candidates: [{ index: 0, ...candidate }], modelVersion: 'gemini-2.5-flash', ...extra });
const text = (t: string, finishReason = 'STOP') => answer({ content: { role: 'model', parts: [{ text: t }] }, finishReason });
const parse = (body: unknown) => chatResponse(body, input);
const ok = (body: unknown) => {
  const r = parse(body);
  if (!r.ok) throw new Error(`expected an answer, got ${r.failure.class}: ${r.failure.message}`);
  return r;
};
const choice = (body: unknown) => (ok(body).value.choices as Record<string, unknown>[])[0]!;

describe('finish reasons', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'stop'],
    ['LANGUAGE', 'stop'],
    ['OTHER', 'stop'],
    ['FINISH_REASON_UNSPECIFIED', 'stop'],
    ['SOMETHING_NEW', 'stop'],
  ])('%s with content → %s', (reason, want) => {
    expect(choice(text('partial', reason)).finish_reason).toBe(want);
  });

  it('STOP with function calls → tool_calls; a missing finishReason counts as STOP', () => {
    expect(choice(answer({ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP' })).finish_reason).toBe('tool_calls');
    expect(choice(answer({ content: { parts: [{ text: 'x' }] } })).finish_reason).toBe('stop');
  });
});

describe('the completion', () => {
  it('id from the request id, created from the input, model from modelVersion (else the input model)', () => {
    const r = ok(text('Hello'));
    expect(r.value).toMatchObject({ id: 'chatcmpl-req-1', object: 'chat.completion', created: 1_700_000_000, model: 'gemini-2.5-flash' });
    expect(ok({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] }).value.model).toBe('gemini-2.5-flash');
    expect(chatResponse({ candidates: [{ content: { parts: [{ text: 'x' }] } }] }, call({ messages: hi }, 'gemini-2.0-flash'))).toMatchObject({ ok: true, value: { model: 'gemini-2.0-flash' } });
  });

  it('text parts are joined; thought parts are left out', () => {
    const c = choice(answer({ content: { parts: [{ text: 'thinking…', thought: true }, { text: 'Hel' }, { text: 'lo', thoughtSignature: 'sig' }] }, finishReason: 'STOP' }));
    expect(c.message).toEqual({ role: 'assistant', content: 'Hello' });
  });

  it('function calls → tool calls: deterministic ids (Gemini’s own id when given), JSON arguments, signatures in extra_content', () => {
    const c = choice(
      answer({
        content: {
          parts: [
            { text: 'Checking.' },
            { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'sig-a' },
            { functionCall: { name: 'get_time' } },
            { functionCall: { id: 'g-7', name: 'get_time', args: { zone: 'UTC' } } },
          ],
        },
        finishReason: 'STOP',
      }),
    );
    expect(c.message).toEqual({
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        { id: 'call_req-1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' }, extra_content: { google: { thought_signature: 'sig-a' } } },
        { id: 'call_req-1_1', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        { id: 'g-7', type: 'function', function: { name: 'get_time', arguments: '{"zone":"UTC"}' } },
      ],
    });
    expect(c.finish_reason).toBe('tool_calls');
  });

  it('several candidates → choices in index order, tool call ids unique across them', () => {
    const r = ok({
      candidates: [
        { index: 1, content: { parts: [{ functionCall: { name: 'b', args: {} } }] }, finishReason: 'STOP' },
        { index: 0, content: { parts: [{ functionCall: { name: 'a', args: {} } }] }, finishReason: 'STOP' },
      ],
    });
    const choices = r.value.choices as { index: number; message: { tool_calls: { id: string; function: { name: string } }[] } }[];
    expect(choices.map((c) => [c.index, c.message.tool_calls[0]!.function.name, c.message.tool_calls[0]!.id])).toEqual([
      [0, 'a', 'call_req-1_0'],
      [1, 'b', 'call_req-1_1'],
    ]);
  });

  it('an empty answer is an empty string, not null', () => {
    expect(choice(text('')).message).toEqual({ role: 'assistant', content: '' });
  });
});

describe('usage', () => {
  it('prompt, candidates, thoughts (→ reasoning tokens, counted as completion), cached and tool-use prompt tokens', () => {
    const r = ok(text('x', 'STOP'));
    expect(r.usage).toBeNull();
    expect(r.value).not.toHaveProperty('usage');
    const full = ok({ ...text('x'), usageMetadata: { promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 20, thoughtsTokenCount: 30, toolUsePromptTokenCount: 5, totalTokenCount: 155 } });
    const want = { prompt_tokens: 105, completion_tokens: 50, total_tokens: 155, prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 30 } };
    expect(full.usage).toEqual(want);
    expect(full.value.usage).toEqual(want);
  });

  it('totals are summed when Gemini gives none', () => {
    expect(ok({ ...text('x'), usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 } }).usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });
});

describe('safety blocks', () => {
  it('a blocked prompt (promptFeedback.blockReason) is a content_filtered failure, final', () => {
    const r = parse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT', safetyRatings: [] }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } });
    expect(r).toMatchObject({ ok: false, failure: { class: 'content_filtered', code: 'content_filter', final: true, source: 'provider' } });
    if (!r.ok) expect(r.failure.message).toContain('PROHIBITED_CONTENT');
  });

  it('an answer withheld before any content is a content_filtered failure (the route decides)', () => {
    const r = parse(answer({ finishReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH', blocked: true }] }));
    expect(r).toMatchObject({ ok: false, failure: { class: 'content_filtered', code: 'content_filter', final: false } });
  });

  it('a filtered answer with some content is passed on with finish_reason content_filter', () => {
    expect(choice(text('Once upon', 'RECITATION'))).toMatchObject({ message: { content: 'Once upon' }, finish_reason: 'content_filter' });
  });

  it('one filtered candidate among others becomes a choice with null content', () => {
    const r = ok({ candidates: [{ index: 0, finishReason: 'SAFETY' }, { index: 1, content: { parts: [{ text: 'fine' }] }, finishReason: 'STOP' }] });
    expect(r.value.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null }, logprobs: null, finish_reason: 'content_filter' },
      { index: 1, message: { role: 'assistant', content: 'fine' }, logprobs: null, finish_reason: 'stop' },
    ]);
  });
});

describe('failures', () => {
  it('only a malformed function call → a server failure (another try may do better)', () => {
    expect(parse(answer({ finishReason: 'MALFORMED_FUNCTION_CALL' }))).toMatchObject({ ok: false, failure: { class: 'server', code: 'upstream_bad_function_call' } });
  });

  it('no candidates, a non-object body, an error body', () => {
    expect(parse({ modelVersion: 'x' })).toMatchObject({ ok: false, failure: { class: 'server', code: 'upstream_malformed' } });
    expect(parse('nope')).toMatchObject({ ok: false, failure: { class: 'server' } });
    expect(parse({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } })).toMatchObject({ ok: false, failure: { class: 'overloaded', code: 'unavailable' } });
  });
});
