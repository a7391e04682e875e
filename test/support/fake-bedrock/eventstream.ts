/** The `application/vnd.amazon.eventstream` framing (prelude with lengths and CRC-32, string headers, payload, message CRC-32): encoding for the fake, decoding for tests. */
import { crc32 } from './crc32.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Header value type 7: a UTF-8 string with a 2-byte length. */
const STRING = 7;
const PRELUDE = 12;

/** One frame: string headers (`:event-type`, `:message-type`…) and a payload. */
export interface Frame {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Uint8Array;
}

function encodeHeaders(headers: Readonly<Record<string, string>>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = encoder.encode(name);
    const v = encoder.encode(value);
    const part = new Uint8Array(1 + n.length + 1 + 2 + v.length);
    const view = new DataView(part.buffer);
    part[0] = n.length;
    part.set(n, 1);
    part[1 + n.length] = STRING;
    view.setUint16(2 + n.length, v.length);
    part.set(v, 4 + n.length);
    parts.push(part);
  }
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Encodes one frame. */
export function encodeFrame(frame: Frame): Uint8Array {
  const headers = encodeHeaders(frame.headers);
  const total = PRELUDE + headers.length + frame.payload.length + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headers.length);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  out.set(headers, PRELUDE);
  out.set(frame.payload, PRELUDE + headers.length);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)));
  return out;
}

/** An event frame as Bedrock sends it (`:message-type: event`, JSON payload). */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return encodeFrame({
    headers: { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    payload: encoder.encode(JSON.stringify(payload)),
  });
}

/** An exception frame inside a stream (`:message-type: exception`). */
export function exceptionFrame(exceptionType: string, payload: unknown): Uint8Array {
  return encodeFrame({
    headers: { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    payload: encoder.encode(JSON.stringify(payload)),
  });
}

/** Decodes a buffer of whole frames, checking both CRCs; throws on a damaged frame. */
export function decodeFrames(bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    const total = view.getUint32(0);
    const headersLength = view.getUint32(4);
    if (crc32(bytes.subarray(at, at + 8)) !== view.getUint32(8)) throw new Error('prelude CRC mismatch');
    if (crc32(bytes.subarray(at, at + total - 4)) !== view.getUint32(total - 4)) throw new Error('message CRC mismatch');
    const headers: Record<string, string> = {};
    let h = at + PRELUDE;
    const end = h + headersLength;
    while (h < end) {
      const nameLength = bytes[h]!;
      const name = decoder.decode(bytes.subarray(h + 1, h + 1 + nameLength));
      const type = bytes[h + 1 + nameLength];
      if (type !== STRING) throw new Error(`header type ${String(type)} not supported`);
      const valueLength = new DataView(bytes.buffer, bytes.byteOffset + h + 2 + nameLength).getUint16(0);
      headers[name] = decoder.decode(bytes.subarray(h + 4 + nameLength, h + 4 + nameLength + valueLength));
      h += 4 + nameLength + valueLength;
    }
    frames.push({ headers, payload: bytes.slice(end, at + total - 4) });
    at += total;
  }
  return frames;
}
