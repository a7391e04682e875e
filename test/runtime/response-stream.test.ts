/** Writing a Fetch `Response` to the Lambda response stream: prelude, cookies, chunk-by-chunk body. */
import { beforeAll, describe, expect, it } from 'vitest';
import { preludeOf, writeResponse } from '../../runtime/lambda/response-stream.ts';
import { CaptureStream, installFakeAwslambda } from '../support/fake-awslambda.ts';

beforeAll(installFakeAwslambda);

describe('writeResponse', () => {
  it('writes status, headers and cookies as the prelude, then each body chunk as it comes', async () => {
    const encoder = new TextEncoder();
    const events = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: [DONE]\n\n'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const e of events) controller.enqueue(encoder.encode(e));
        controller.close();
      },
    });
    const headers = new Headers({ 'content-type': 'text/event-stream' });
    headers.append('set-cookie', 'a=1; Secure');
    headers.append('set-cookie', 'b=2; HttpOnly');
    const stream = new CaptureStream();
    await writeResponse(stream, new Response(body, { status: 200, headers }), { 'x-request-id': 'r-1' });
    expect(stream.prelude).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream', 'x-request-id': 'r-1' },
      cookies: ['a=1; Secure', 'b=2; HttpOnly'],
    });
    expect(stream.chunks.map((c) => c.toString('utf8'))).toEqual(events);
    expect(stream.writableFinished).toBe(true);
  });

  it('ends the stream after the prelude when there is no body', async () => {
    const stream = new CaptureStream();
    await writeResponse(stream, new Response(null, { status: 204 }));
    expect(stream.prelude).toMatchObject({ statusCode: 204 });
    expect(stream.chunks).toEqual([]);
    expect(stream.writableFinished).toBe(true);
  });

  it('lets adapter headers win over the response’s own', () => {
    const prelude = preludeOf(new Response('', { headers: { 'x-request-id': 'spoofed' } }), { 'x-request-id': 'real' });
    expect(prelude.headers['x-request-id']).toBe('real');
  });
});
