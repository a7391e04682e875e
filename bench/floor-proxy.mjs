// The bench floor: a bare node:http pipe proxy (request piped upstream over a keep-alive agent, response piped back), the least any Node gateway can cost.
//
//   node bench/floor-proxy.mjs --port 9000 --upstream http://127.0.0.1:18080
//
// Every request goes to the same path on the upstream origin; hop-by-hop headers are dropped, everything
// else passes through unchanged. No parsing, no routing, no auth: only what a proxy cannot avoid doing.
// Binds 127.0.0.1 only.
import http from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', process.env.FLOOR_PORT ?? '9000'));
const upstream = new URL(arg('upstream', process.env.FLOOR_UPSTREAM ?? 'http://127.0.0.1:18080'));
if (!/^127\.\d+\.\d+\.\d+$|^localhost$/.test(upstream.hostname)) {
  console.error(`floor-proxy: refusing non-loopback upstream ${upstream.href}`);
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

function strip(headers) {
  const out = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

const server = http.createServer({ keepAlive: true }, (req, res) => {
  const headers = strip(req.headers);
  headers.host = upstream.host;
  const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, strip(upRes.headers));
    upRes.pipe(res);
  });
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"floor-proxy: upstream failed","type":"bad_gateway"}}');
  });
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  console.log(`floor-proxy listening on http://127.0.0.1:${port} -> ${upstream.origin} (pid ${process.pid})`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  agent.destroy();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
