/**
 * Bad client input over real HTTP: every malformed body or header gets a clear OpenAI-shape
 * error with a stable code, no provider is called, and nothing leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KEY, startRig, type Rig } from './harness.ts';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig.close();
});

async function post(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<{ status: number; error: { code: string; message: string; param: string | null } }> {
  const res = await fetch(`${rig.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
  const json = (await res.json()) as { error: { code: string; message: string; param: string | null } };
  return { status: res.status, error: json.error };
}

describe('bad request bodies and headers', () => {
  it.each([
    ['not JSON', '{"model": "chat", ', 400, 'invalid_json'],
    ['an empty body', '', 400, 'invalid_json'],
    ['a JSON array', '[1, 2]', 400, 'invalid_json'],
    ['no model', '{"messages": []}', 400, 'invalid_request'],
    ['a model that is not a string', '{"model": 42, "messages": []}', 400, 'invalid_request'],
    ['no messages', '{"model": "chat"}', 400, 'invalid_request'],
    ['stream that is not a boolean', '{"model": "chat", "messages": [], "stream": "yes"}', 400, 'invalid_request'],
    ['an unknown model', '{"model": "gpt-99", "messages": []}', 404, 'model_not_found'],
    // Control characters in a model name never reach a provider or a response header.
    ['a model with a line break', JSON.stringify({ model: 'open/x\r\nx-injected: 1', messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_request'],
    ['a model with a tab', JSON.stringify({ model: 'chat\t', messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_request'],
    ['a model with NUL', JSON.stringify({ model: 'open/\u0000', messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_request'],
  ])('%s → %i %s', async (_name, body, status, code) => {
    const r = await post(body);
    expect(r.status).toBe(status);
    expect(r.error.code).toBe(code);
    expect(r.error.message).not.toMatch(/at .*\.ts|Error:/);
  });

  it('refuses a body over the size limit with 413 before reading it all', async () => {
    const big = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(1100 * 1024) }] });
    const r = await post(big);
    expect(r.status).toBe(413);
    expect(r.error.code).toBe('request_too_large');
  });

  it('answers a body nested far deeper than any request with 400, not a 500', async () => {
    for (const depth of [300, 100_000, 400_000]) {
      const content = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const r = await post(`{"model": "chat", "messages": [{"role": "user", "content": ${content}}]}`);
      expect(r.status, String(depth)).toBe(400);
      expect(r.error).toMatchObject({ code: 'invalid_json', message: 'The request body nests arrays and objects deeper than 256 levels.' });
    }
  });

  it('names the parameter that is wrong', async () => {
    expect((await post('{"model": "chat"}')).error.param).toBe('messages');
    expect((await post('{"messages": []}')).error.param).toBe('model');
  });

  it('does not quote back a huge model name', async () => {
    const r = await post(JSON.stringify({ model: 'm'.repeat(5000), messages: [] }));
    expect(r.status).toBe(404);
    expect(r.error.message.length).toBeLessThan(300);
  });

  it('never called a provider', () => {
    expect(rig.fakes.tried()).toEqual([]);
  });
});
