/**
 * The floor for any proxy written in Node.js: node:http forwarding each request to one upstream
 * over keep-alive connections and piping the reply back, nothing else (no routing, no parsing, no
 * record, no journal). The gateway benchmark runs it beside Cairn, in front of the same upstream,
 * so the gap between direct and through Cairn splits into the hop itself and Cairn's own work.
 *
 * CLI: node --import tsx bench/lib/bare-proxy.ts --upstream http://127.0.0.1:PORT [--port 0]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { isMain, parseNumber, runMain } from './args.js';

export function startBareProxy(upstreamUrl: string, port = 0): Promise<http.Server> {
  const upstream = new URL(upstreamUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forwarded.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' } } });
  if (!values.upstream) throw new Error('--upstream URL is required');
  const server = await startBareProxy(values.upstream, parseNumber(values.port, 0, '--port'));
  console.log(`bare proxy on http://127.0.0.1:${(server.address() as AddressInfo).port} -> ${values.upstream}`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  server.close();
}

if (isMain(import.meta.url)) runMain(main);
