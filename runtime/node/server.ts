/**
 * Node adapter: serves `handle` on a `node:http` server. It reads the body within the
 * limit, turns a client disconnect into an aborted request signal, writes the response as
 * it streams (respecting backpressure), then finishes the request's post-response work.
 * @module
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HandlerContext, RequestScope, RuntimeDeps } from '../core/context.ts';
import { errorResponse } from '../core/errors.ts';
import { handle } from '../core/handle.ts';
import { headerRecordOf, piecesOf, textOf } from '../core/response.ts';
import { Stop, type StopSignal } from '../core/stop.ts';
import type { PieceSource } from '../stream/pieces.ts';
import { NodeRequest } from './request.ts';
import { merged } from '../merged.ts';

/** A request listener for `http.createServer`. */
/**
 * A `node:http` request listener. `idle()` resolves once every request it has taken, and the
 * work each one left to run after its response (settling counters, cache writes, records), is done.
 */
export interface NodeListener {
  (req: IncomingMessage, res: ServerResponse): void;
  idle(): Promise<void>;
}

/**
 * Reads the request body; null when it is larger than `max` bytes (the rest is left unread).
 * Plain listeners, not `for await`: an async iterator over the request costs more than the
 * rest of reading a small body.
 */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: Buffer | null): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        done(null);
      } else chunks.push(chunk);
    };
    const onEnd = (): void => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onError = (error: Error): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      reject(error);
    };
    // Closed before the end: the client is gone mid-body.
    const onClose = (): void => onError(new Error('the request body broke off'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The response's headers as `writeHead` takes them: set-cookie lines stay apart. */
function headersOf(response: Response): Readonly<Record<string, string | string[]>> {
  const ready = headerRecordOf(response);
  if (ready !== undefined) return ready;
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return headers;
}

async function writeResponse(res: ServerResponse, response: Response, aborted: StopSignal): Promise<void> {
  res.writeHead(response.status, headersOf(response));
  const text = textOf(response);
  if (text !== undefined) {
    res.end(text);
    return;
  }
  const pieces = piecesOf(response);
  if (pieces) return writePieces(res, pieces, aborted);
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        if (aborted.aborted) {
          await reader.cancel();
          break;
        }
        const { done, value } = await reader.read();
        if (done) break;
        if (!res.write(value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
    } catch {
      // The body broke off: the client keeps what was written, and the connection is cut so
      // the answer cannot pass for complete.
      res.destroy();
      return;
    }
  }
  res.end();
}

/**
 * Lets the source write straight into the socket: a full socket pauses it until `drain`, a
 * client that leaves (or has already left) cancels it. Resolves once the body ended or the client left.
 */
function writePieces(res: ServerResponse, source: PieceSource, aborted: StopSignal): Promise<void> {
  if (aborted.aborted || res.destroyed) {
    source.cancel();
    res.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let over = false;
    const onDrain = (): void => source.resume();
    const stop = (): void => {
      over = true;
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      if (over) return;
      stop();
      source.cancel();
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
    source.pipe({
      write: (piece) => !over && res.write(piece),
      end: (last) => {
        if (over) return;
        stop();
        // The last piece and the chunked terminator leave in one write.
        if (last === undefined || last === '') res.end();
        else res.end(last);
      },
    });
  });
}

/** A listener serving `deps`; bodies larger than `maxBodyBytes` are refused with 413. */
export function createNodeListener(deps: RuntimeDeps): NodeListener {
  const maxBody = deps.plan.guardrails.maxRequestKb * 1024;
  const inFlight = new Set<Promise<void>>();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const served = serve(req, res, deps, maxBody).finally(() => inFlight.delete(served));
    inFlight.add(served);
  };
  return Object.assign(listener, {
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, deps: RuntimeDeps, maxBody: number): Promise<void> {
  const gone = new Stop();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort('client_closed');
  });
  const pending: Promise<unknown>[] = [];
  const scope: RequestScope = { waitUntil: (work) => void pending.push(work), clientIp: req.socket.remoteAddress ?? null, requestId: null };
  const ctx: HandlerContext = merged(deps, scope);
  try {
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const body = hasBody ? await readBody(req, maxBody) : null;
    if (hasBody && body === null) {
      await writeResponse(res, errorResponse('request_too_large', `The request body is larger than this gateway accepts (${deps.plan.guardrails.maxRequestKb} KB).`), gone);
      return;
    }
    // The Host header is the client's to choose: the URL uses a fixed host, only the path matters.
    const path = req.url?.startsWith('/') ? req.url : '/';
    const request = new NodeRequest(method, `http://localhost${path}`, req.headers, body, gone);
    await writeResponse(res, await handle(request, ctx), gone);
  } catch {
    if (!res.headersSent) await writeResponse(res, errorResponse('internal_error', 'The gateway failed to handle this request.'), gone);
    else res.destroy();
  } finally {
    await Promise.allSettled(pending);
  }
}
