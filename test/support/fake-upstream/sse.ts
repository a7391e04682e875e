/** Sends a streamed chat completion over SSE, paced by timers, optionally breaking it on purpose. */
import { planChunks, withoutFinish } from './chunks.ts';
import { head, write, type Exchange } from './exchange.ts';
import { wait } from './lifetime.ts';
import { errorBody } from './shapes.ts';
import type { ErrorSpec, StreamOptions } from './types.ts';

/** How a stream is broken after `after` events: reset, a non-JSON line, an error event, or a clean end. */
export type StreamBreak =
  | { readonly after: number; readonly how: 'reset' | 'malformed' | 'cut' }
  | { readonly after: number; readonly how: 'error'; readonly error: ErrorSpec };

/** The `data:` line of the malformed-chunk behaviour. */
export const MALFORMED_EVENT = 'data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"delta":{"content":"oops\n\n';

/** SSE framing of one data payload. */
function frame(data: string): string {
  return `data: ${data}\n\n`;
}

/** Streams the reply to `x`; with `broken`, breaks it as described. */
export async function sendStream(x: Exchange, options: StreamOptions, broken: StreamBreak | null = null): Promise<void> {
  const plan = planChunks(x.req, options);
  const events =
    broken?.how === 'cut'
      ? plan.chunks.map((c) => frame(JSON.stringify(withoutFinish(c))))
      : [...plan.chunks, ...(plan.usage ? [plan.usage] : [])].map((c) => frame(JSON.stringify(c)));
  const stop = broken ? Math.max(0, Math.min(broken.after, events.length)) : events.length;
  const delayMs = options.delayMs ?? 0;

  head(x, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...options.headers });
  x.res.flushHeaders();
  if (!(await wait(options.firstByteDelayMs ?? 0, x.signal))) return;

  if (options.burst === true && broken === null) {
    if (await write(x, [...events, frame('[DONE]')].join(''))) x.res.end();
    return;
  }
  let sent = 0;
  const emit = async (text: string): Promise<boolean> => {
    if (sent > 0 && !(await wait(delayMs, x.signal))) return false;
    if (!(await write(x, text))) return false;
    sent++;
    x.req.eventsSent = sent;
    return true;
  };

  for (const event of events.slice(0, stop)) if (!(await emit(event))) return;
  switch (broken?.how) {
    case 'reset':
      // A plain close, not an RST: an RST can make the client's kernel drop chunks it has not read yet.
      x.reset('fin');
      return;
    case 'cut':
      x.res.end();
      return;
    case 'error':
      if (await emit(frame(JSON.stringify(errorBody(500, broken.error))))) x.res.end();
      return;
    case 'malformed':
      if (!(await emit(MALFORMED_EVENT))) return;
      break;
    default:
      break;
  }
  for (const event of events.slice(stop)) if (!(await emit(event))) return;
  if (await emit(frame('[DONE]'))) x.res.end();
}
