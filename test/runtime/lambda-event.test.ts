/** Conversion of API Gateway REST proxy events into Fetch `Request`s. */
import { describe, expect, it } from 'vitest';
import { eventHeaders, toRequest, viewerIp } from '../../runtime/lambda/event.ts';
import { loadEvent } from '../support/fixtures.ts';

describe('toRequest', () => {
  it('rebuilds method, URL, query and headers of a recorded GET', () => {
    const event = loadEvent('models-get');
    const request = toRequest(event, eventHeaders(event));
    expect(request.method).toBe('GET');
    expect(request.url).toBe('https://k7x2m4q9ab.execute-api.eu-west-1.amazonaws.com/v1/models?limit=20');
    expect(request.headers.get('authorization')).toBe('Bearer sk-sluice-demo');
    expect(request.headers.get('cloudfront-viewer-country')).toBe('DE');
    expect(request.body).toBeNull();
  });

  it('decodes a base64 body', async () => {
    const event = loadEvent('chat-completions-post');
    const request = toRequest(event, eventHeaders(event));
    expect(request.method).toBe('POST');
    expect(await request.json()).toEqual({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
  });

  it('keeps repeated headers and query parameters', () => {
    const event = loadEvent('models-get');
    event.multiValueHeaders['X-Tag'] = ['a', 'b'];
    event.multiValueQueryStringParameters = { tag: ['x', 'y z'] };
    const request = toRequest(event, eventHeaders(event));
    expect(request.headers.get('x-tag')).toBe('a, b');
    expect(new URL(request.url).searchParams.getAll('tag')).toEqual(['x', 'y z']);
  });

  it('falls back to the single-value maps when multi-value ones are absent', () => {
    const event = loadEvent('models-get');
    (event as unknown as Record<string, unknown>).multiValueHeaders = null;
    event.multiValueQueryStringParameters = null;
    const request = toRequest(event, eventHeaders(event));
    expect(request.headers.get('x-forwarded-proto')).toBe('https');
    expect(request.url.endsWith('/v1/models?limit=20')).toBe(true);
  });

  it.each([
    ['a header value with a line break', (e: ReturnType<typeof loadEvent>) => (e.multiValueHeaders['X-Bad'] = ['a\r\nb'])],
    ['a malformed host', (e: ReturnType<typeof loadEvent>) => (e.multiValueHeaders.Host = ['exa mple.com:99999'])],
    ['a forbidden method', (e: ReturnType<typeof loadEvent>) => (e.httpMethod = 'CONNECT')],
    ['a path without a leading slash', (e: ReturnType<typeof loadEvent>) => (e.path = 'v1/models')],
  ])('refuses %s with invalid_request', (_name, spoil) => {
    const event = loadEvent('models-get');
    spoil(event);
    expect(() => toRequest(event, eventHeaders(event))).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});

describe('viewerIp', () => {
  const edge = '130.176.12.34';
  const h = (init: Record<string, string>) => new Headers(init);

  it('takes the address CloudFront sets, without its port (IPv4 and IPv6)', () => {
    expect(viewerIp(h({ 'CloudFront-Viewer-Address': '198.51.100.9:52301', 'X-Forwarded-For': `203.0.113.7, ${edge}` }), edge)).toBe('198.51.100.9');
    expect(viewerIp(h({ 'CloudFront-Viewer-Address': '2001:db8::1:443' }), edge)).toBe('2001:db8::1');
  });

  it('else takes the X-Forwarded-For entry CloudFront appended before its own edge, not what the client claimed', () => {
    const event = loadEvent('chat-completions-post');
    expect(viewerIp(eventHeaders(event), event.requestContext.identity.sourceIp)).toBe('203.0.113.7');
    expect(viewerIp(h({ 'X-Forwarded-For': `10.9.9.9, 203.0.113.7, ${edge}` }), edge)).toBe('203.0.113.7');
  });

  it('falls back to the source IP when no hop matches it or there is no header', () => {
    expect(viewerIp(h({ 'X-Forwarded-For': '10.9.9.9, 10.8.8.8' }), edge)).toBe(edge);
    expect(viewerIp(h({}), edge)).toBe(edge);
    expect(viewerIp(h({}), null)).toBeNull();
  });
});
