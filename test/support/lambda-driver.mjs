// Runs a built bundle the way the Lambda Node.js runtime would: a minimal `awslambda` global, then the
// exported handler over API Gateway events. Usage: node lambda-driver.mjs <bundle-dir> <event.json>...
// Prints one line `RESULT <json>` with [{ prelude, body }] in event order; every other stdout line is
// the bundle's own output (EMF metric documents), as the Lambda runtime would ship to CloudWatch Logs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

class Capture extends Writable {
  prelude = undefined;
  chunks = [];
  _write(chunk, _enc, done) {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
}

globalThis.awslambda = {
  streamifyResponse: (handler) => handler,
  HttpResponseStream: {
    from(stream, metadata) {
      stream.prelude = metadata;
      return stream;
    },
  },
};

const [bundleDir, ...eventFiles] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(join(bundleDir, 'index.mjs')).href);
const results = [];
for (const file of eventFiles) {
  const stream = new Capture();
  await handler(JSON.parse(readFileSync(file, 'utf8')), stream, { awsRequestId: 'driver' });
  results.push({ prelude: stream.prelude, body: Buffer.concat(stream.chunks).toString('utf8') });
}
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
