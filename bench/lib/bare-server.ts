/**
 * The baseline server: bare node:http answering every request with one fixed body, as fast as
 * this machine can. A real server (Cairn) is measured against it at the same body size,
 * concurrency and load generator. It reads the request body first, as every JSON API must.
 *
 *   const server = await startBareServer({ body: '{"Events":[...]}' });   // or { bytes: 60_000 }
 *   ... load server.url ...
 *   await server.close();
 *
 * CLI: node --import tsx bench/lib/bare-server.ts --bytes 60000 [--port 8080]
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { isMain, parseCount, parseNumber, runMain } from './args.js';

export interface BareServerOptions {
  /** Response body; or give `bytes` for a JSON filler body of that size. */
  body?: string | Buffer;
  bytes?: number;
  port?: number;
  host?: string;
  contentType?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  bodyBytes: number;
  /** Requests answered so far. */
  requests(): number;
  /** CPU this process used since the server started (the server shares the process with its caller). */
  cpuSince(start: NodeJS.CpuUsage): { userMs: number; systemMs: number };
  close(): Promise<void>;
}

/** A JSON body of exactly `bytes` bytes (≥ 16): {"Events":[],"pad":"xxxx…"}. */
export function fillerBody(bytes: number): Buffer {
  const head = '{"Events":[],"pad":"';
  const tail = '"}';
  const n = Math.max(0, bytes - head.length - tail.length);
  return Buffer.from(head + 'x'.repeat(n) + tail);
}

export async function startBareServer(options: BareServerOptions): Promise<RunningServer> {
  const body = options.body !== undefined ? Buffer.from(options.body) : fillerBody(options.bytes ?? 1024);
  const contentType = options.contentType ?? 'application/x-amz-json-1.1';
  let count = 0;
  const server = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': contentType, 'content-length': body.length, 'x-amzn-requestid': randomUUID() });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    bodyBytes: body.length,
    requests: () => count,
    cpuSince: (start) => {
      const d = process.cpuUsage(start);
      return { userMs: Math.round(d.user / 1000), systemMs: Math.round(d.system / 1000) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { bytes: { type: 'string', default: '60000' }, port: { type: 'string', default: '8080' }, host: { type: 'string' } } });
  const server = await startBareServer({ bytes: parseCount(values.bytes, '--bytes'), port: parseNumber(values.port, 8080, '--port'), host: values.host });
  console.log(`bare server on ${server.url}, ${server.bodyBytes} byte body; Ctrl-C to stop`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  console.log(`answered ${server.requests()} requests`);
}

if (isMain(import.meta.url)) runMain(main);
