/** One request being answered: its record, response, abort signal, and small write helpers. */
import type { ServerResponse } from 'node:http';
import type { RequestRecord } from './types.ts';

/** What a behaviour needs to answer one request. */
export interface Exchange {
  readonly req: RequestRecord;
  readonly res: ServerResponse;
  /** Aborted when the client goes away or the fake closes. */
  readonly signal: AbortSignal;
  /**
   * Records outcome `reset` and kills the connection: `rst` sends a TCP RST; `fin` closes the
   * socket, so bytes already written still arrive before the (premature) end.
   */
  reset(kind: 'rst' | 'fin'): void;
}

/** Sends the status line and headers (with an `x-request-id`) and records the status. */
export function head(x: Exchange, status: number, headers: Readonly<Record<string, string>>): void {
  const safeName = x.req.upstream.replace(/[^A-Za-z0-9_-]/g, '_');
  x.res.writeHead(status, { 'x-request-id': `req_${safeName}_${x.req.seq}`, ...headers });
  x.req.status = status;
}

/** Sends a whole JSON (or text) body with its status. */
export function sendBody(x: Exchange, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, contentType?: string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = contentType ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
  head(x, status, { 'content-type': type, 'content-length': String(Buffer.byteLength(text)), ...headers });
  x.res.end(text);
}

/** Writes `text` and resolves once it is handed to the socket; false when the exchange is over. */
export function write(x: Exchange, text: string): Promise<boolean> {
  if (x.signal.aborted || x.res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    x.signal.addEventListener('abort', onAbort, { once: true });
    x.res.write(text, (err) => {
      x.signal.removeEventListener('abort', onAbort);
      resolve(!err);
    });
  });
}
