/** Server-sent events as text: events, keep-alive comments and OpenAI's `[DONE]` terminator. */

/** An event to encode; {@link SseEvent} values fit. `event` null or empty means the default type. */
export interface SseEventInit {
  readonly event?: string | null;
  readonly data: string;
  readonly id?: string | null;
}

/** The last event of an OpenAI-style stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * One event as SSE text: `event:`, `id:` and one `data:` line per line of `data` (CR LF, CR and
 * LF all split lines; a decoder joins them back with LF), then the blank line. Throws a
 * TypeError for an event type or id containing a line break (or an id containing NUL), which
 * could not be encoded without forging fields.
 */
export function encodeSse(event: SseEventInit): string {
  let text = '';
  if (event.event !== undefined && event.event !== null && event.event !== '') {
    text = `event: ${checkField('event type', event.event)}\n`;
  }
  if (event.id !== undefined && event.id !== null) {
    if (event.id.includes('\0')) throw new TypeError('an SSE event id cannot contain NUL');
    text += `id: ${checkField('event id', event.id)}\n`;
  }
  return `${text}${encodeData(event.data)}\n`;
}

/** A comment line, which clients ignore: keeps idle connections open (`encodeSseComment('ping')` is `: ping\n\n`). */
export function encodeSseComment(text: string): string {
  if (text === '') return ':\n\n';
  return `: ${text.split(LINE_BREAK).join('\n: ')}\n\n`;
}

function encodeData(data: string): string {
  if (!data.includes('\n') && !data.includes('\r')) return `data: ${data}\n`;
  return `data: ${data.split(LINE_BREAK).join('\ndata: ')}\n`;
}

function checkField(what: string, value: string): string {
  if (value.includes('\n') || value.includes('\r')) throw new TypeError(`an SSE ${what} cannot contain a line break`);
  return value;
}
