/** A small stand-in for the Lambda Node.js runtime's `awslambda` global: captures the HTTP prelude and body chunks. */
import { Writable } from 'node:stream';

/** A response stream that records what the handler wrote. */
export class CaptureStream extends Writable {
  /** Metadata passed to `HttpResponseStream.from` (status, headers, cookies). */
  prelude: Record<string, unknown> | undefined;
  /** Body chunks in write order (the prelude is not among them). */
  readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.prelude) {
      done(new Error('body written before the HTTP prelude'));
      return;
    }
    this.chunks.push(Buffer.from(chunk));
    done();
  }

  /** The body as UTF-8 text. */
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const fake = {
  streamifyResponse: <T>(handler: T): T => handler,
  HttpResponseStream: {
    from(writable: Writable, metadata: Record<string, unknown>): Writable {
      if (!(writable instanceof CaptureStream)) throw new Error('fake awslambda: expected a CaptureStream');
      if (writable.prelude || writable.chunks.length > 0) throw new Error('fake awslambda: prelude written twice');
      // The real runtime serializes this to JSON before the 8-byte delimiter; keep it JSON-clean too.
      writable.prelude = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
      return writable;
    },
  },
};

/** Installs the fake as `globalThis.awslambda` (idempotent). */
export function installFakeAwslambda(): void {
  (globalThis as unknown as { awslambda: typeof fake }).awslambda = fake;
}
