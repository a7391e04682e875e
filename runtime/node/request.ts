/**
 * The Node adapter's request object: the `GatewayRequest` members over an IncomingMessage
 * whose body has been read, with no web stream, AbortController or Headers copy.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayRequest, HeaderReader } from '../core/request.ts';
import type { StopSignal } from '../core/stop.ts';

/** Header lookup over Node's lower-cased header object (repeated headers joined with ", "). */
class NodeHeaders implements HeaderReader {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** A request as `handle` reads it. */
export class NodeRequest implements GatewayRequest {
  readonly headers: HeaderReader;

  constructor(
    readonly method: string,
    readonly url: string,
    headers: IncomingHttpHeaders,
    private readonly body: Buffer | null,
    readonly signal: StopSignal,
  ) {
    this.headers = new NodeHeaders(headers);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.body;
    if (b === null) return Promise.resolve(new ArrayBuffer(0));
    return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }

  /** The body as text without copying it to an ArrayBuffer first. */
  text(): Promise<string> {
    const b = this.body;
    if (b === null) return Promise.resolve('');
    const text = b.toString('utf8');
    return Promise.resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }
}
