/**
 * The recording gateway's own cost: the same requests sent straight to a fast local upstream (the
 * bare node:http server) and through `cairn serve --upstream <it>`, side by side in one run.
 *
 *   node --import tsx bench/gateway.ts [--duration 10] [--concurrency 16]
 *
 * Two request shapes: a DynamoDB GetItem (JSON, 1 KB reply) and an S3 GetObject (64 KB reply).
 * Added latency is measured one request at a time (concurrency 1: p50/p99 through Cairn minus
 * direct); throughput at `--concurrency`. Every call through Cairn is recorded and durable (group
 * commit, fsync) before its last byte is released, as in production. A third path goes through a
 * bare Node.js forwarding proxy (bench/lib/bare-proxy.ts, its own process): the ceiling for any proxy
 * written in Node.js on this machine, so the report separates the hop's cost from Cairn's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { startBareServer } from './lib/bare-server.js';
import type { LoadResult } from './lib/loadgen.js';
import { runLoadInChild } from './lib/loadgen.js';
import { spawnServer } from './lib/proc.js';
import type { Figure, Section } from './lib/report.js';
import { REPO_ROOT, fmt, ratio, writeReport } from './lib/report.js';

const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
const BARE_PROXY = new URL('./lib/bare-proxy.ts', import.meta.url).pathname;
const BUILDERS = new URL('./lib/requests.ts', import.meta.url).href;

interface Shape {
  name: string;
  replyBytes: number;
  contentType: string;
  request: { method: string; path: string; headers: Record<string, string>; body?: string };
}

const SHAPES: Shape[] = [
  {
    name: 'DynamoDB GetItem (JSON, 1 KB reply)',
    replyBytes: 1024,
    contentType: 'application/x-amz-json-1.0',
    request: {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIABENCHGATEWAY0001/20261126/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        'x-amz-date': '20261126T120000Z',
      },
      body: JSON.stringify({ TableName: 'orders', Key: { id: { S: 'o-1' } } }),
    },
  },
  {
    name: 'S3 GetObject (64 KB reply)',
    replyBytes: 64 * 1024,
    contentType: 'application/octet-stream',
    request: {
      method: 'GET',
      path: '/bench-bucket/object.bin',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIABENCHGATEWAY0001/20261126/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        'x-amz-date': '20261126T120000Z',
      },
    },
  },
];

async function load(url: string, shape: Shape, concurrency: number, durationMs: number): Promise<LoadResult> {
  return runLoadInChild({ url, concurrency, durationMs, warmupMs: 1_000, builder: { module: BUILDERS, export: 'fixedBuilder', args: shape.request } });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string' }, concurrency: { type: 'string' } } });
  const durationMs = parseNumber(values.duration, 10, '--duration') * 1000;
  const concurrency = parseNumber(values.concurrency, 16, '--concurrency');
  const sections: Section[] = [];
  const data: Record<string, unknown> = {};
  for (const shape of SHAPES) {
    const upstream = await startBareServer({ bytes: shape.replyBytes, contentType: shape.contentType });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-gateway-'));
    const cairn = await spawnServer({ command: process.execPath, args: [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--upstream', upstream.url] });
    const bareProxy = await spawnServer({ command: process.execPath, args: ['--import', 'tsx', BARE_PROXY, '--upstream', upstream.url] });
    try {
      // Side by side: direct, then through Cairn, for each measurement.
      const directSerial = await load(upstream.url, shape, 1, durationMs);
      const gatewaySerial = await load(cairn.url, shape, 1, durationMs);
      const directLoad = await load(upstream.url, shape, concurrency, durationMs);
      const cpu0 = cairn.cpuMs();
      const gatewayLoad = await load(cairn.url, shape, concurrency, durationMs);
      const gatewayCpuMs = cairn.cpuMs() - cpu0;
      const proxySerial = await load(bareProxy.url, shape, 1, durationMs);
      const proxyCpu0 = bareProxy.cpuMs();
      const proxyLoad = await load(bareProxy.url, shape, concurrency, durationMs);
      const proxyCpuMs = bareProxy.cpuMs() - proxyCpu0;
      for (const r of [directSerial, gatewaySerial, directLoad, gatewayLoad, proxySerial, proxyLoad]) if (r.errors > 0) throw new Error(`${shape.name}: ${r.errors} errors (${r.firstError ?? ''})`);
      const figures: Figure[] = [
        { name: 'p50 direct (1 at a time)', value: fmt(directSerial.latencyMs.p50, 3), unit: 'ms' },
        { name: 'p50 through Cairn', value: fmt(gatewaySerial.latencyMs.p50, 3), unit: 'ms' },
        { name: 'p50 added', value: fmt(gatewaySerial.latencyMs.p50 - directSerial.latencyMs.p50, 3), unit: 'ms', note: 'target ≤ 1 ms' },
        { name: 'p99 direct', value: fmt(directSerial.latencyMs.p99, 3), unit: 'ms' },
        { name: 'p99 through Cairn', value: fmt(gatewaySerial.latencyMs.p99, 3), unit: 'ms' },
        { name: 'p99 added', value: fmt(gatewaySerial.latencyMs.p99 - directSerial.latencyMs.p99, 3), unit: 'ms' },
        { name: `throughput direct (${concurrency} concurrent)`, value: fmt(directLoad.rps, 0), unit: 'req/s' },
        { name: 'throughput through Cairn', value: fmt(gatewayLoad.rps, 0), unit: 'req/s' },
        { name: 'throughput ratio', value: fmt(ratio(gatewayLoad.rps, directLoad.rps) * 100, 1), unit: '% of direct', note: 'target ≥ 85%' },
        { name: 'p50 under load direct / through Cairn', value: `${fmt(directLoad.latencyMs.p50, 2)} / ${fmt(gatewayLoad.latencyMs.p50, 2)}`, unit: 'ms' },
        { name: 'Cairn CPU per call under load', value: fmt((gatewayCpuMs / Math.max(1, gatewayLoad.requests)) * 1000, 0), unit: 'µs' },
        { name: 'p50 added by a bare Node.js proxy', value: fmt(proxySerial.latencyMs.p50 - directSerial.latencyMs.p50, 3), unit: 'ms' },
        { name: 'throughput through a bare Node.js proxy', value: fmt(proxyLoad.rps, 0), unit: 'req/s', note: `${fmt(ratio(proxyLoad.rps, directLoad.rps) * 100, 1)} % of direct: the ceiling of a proxy in Node.js` },
        { name: 'bare proxy CPU per call under load', value: fmt((proxyCpuMs / Math.max(1, proxyLoad.requests)) * 1000, 0), unit: 'µs' },
        { name: 'Cairn throughput / bare proxy throughput', value: fmt(ratio(gatewayLoad.rps, proxyLoad.rps) * 100, 1), unit: '%' },
      ];
      sections.push({ title: shape.name, figures });
      data[shape.name] = { directSerial, gatewaySerial, directLoad, gatewayLoad, gatewayCpuMs, proxySerial, proxyLoad, proxyCpuMs };
    } finally {
      await bareProxy.stop();
      await cairn.stop();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  await writeReport('gateway', sections, data);
}

if (isMain(import.meta.url)) runMain(main);
