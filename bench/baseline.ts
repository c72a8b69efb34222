/**
 * The machine's own limits, measured on a generated dataset — the denominators of every Cairn
 * figure:
 *   1. parse rate: read + gunzip + JSON.parse of the whole archive (1 thread, and all threads);
 *   2. LookupEvents page size: {"Events":[...]} bodies of 50 management events from the data;
 *   3. bare node:http server answering a body of that size, loaded over keep-alive by
 *      SigV4-signed LookupEvents requests from a separate load-generator process.
 *
 *   node --import tsx bench/generate.ts --events 1000000 --out bench/out/data --seed 1
 *   node --import tsx bench/baseline.ts [--data bench/out/data] [--concurrency 16] [--duration 10]
 *
 * Writes bench/out/results-baseline.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { startBareServer } from './lib/bare-server.js';
import type { GenRecord } from './lib/gen/types.js';
import { runLoadInChild } from './lib/loadgen.js';
import type { LoadResult } from './lib/loadgen.js';
import { lookupRequestMix, pageBodySizes } from './lib/lookup-shape.js';
import type { LookupEventsRequestBody, PageSizeStats } from './lib/lookup-shape.js';
import { listTrailFiles, measureParseRate, parseRateFigures } from './lib/parse-rate.js';
import type { ParseRateResult } from './lib/parse-rate.js';
import type { Figure } from './lib/report.js';
import { BENCH_OUT, writeReport } from './lib/report.js';

export interface BareBaselineOptions {
  body: string | Buffer;
  concurrency?: number;
  durationMs?: number;
  warmupMs?: number;
  /** LookupEvents request bodies the load generator signs and sends. */
  requests?: object[];
}

export interface BareBaselineResult {
  bodyBytes: number;
  load: LoadResult;
  /** CPU the server process used during the whole run (warm-up included). */
  serverCpu: { userMs: number; systemMs: number; cores: number };
  /** Requests the server answered during the whole run (warm-up included). */
  serverRequests: number;
  /** serverRequests per server CPU-second: the server's cost per request, robust to a busy machine. */
  serverRequestsPerCpuSecond: number;
}

/** Bare node:http server (this process) + load generator (child process). */
export async function runBareBaseline(o: BareBaselineOptions): Promise<BareBaselineResult> {
  const server = await startBareServer({ body: o.body });
  try {
    const cpu0 = process.cpuUsage();
    const answered0 = server.requests();
    const t0 = performance.now();
    const load = await runLoadInChild({
      url: server.url,
      concurrency: o.concurrency ?? 16,
      durationMs: o.durationMs ?? 10_000,
      warmupMs: o.warmupMs ?? 1_000,
      builder: { module: new URL('./lib/requests.ts', import.meta.url).href, export: 'lookupEventsBuilder', args: { endpoint: server.url, bodies: o.requests } },
    });
    const wall = performance.now() - t0;
    const cpu = server.cpuSince(cpu0);
    const serverRequests = server.requests() - answered0;
    return {
      bodyBytes: server.bodyBytes,
      load,
      serverCpu: { ...cpu, cores: Math.round(((cpu.userMs + cpu.systemMs) / wall) * 100) / 100 },
      serverRequests,
      serverRequestsPerCpuSecond: Math.round(serverRequests / ((cpu.userMs + cpu.systemMs) / 1000)),
    };
  } finally {
    await server.close();
  }
}

/** Records of the first files of a dataset (enough for page-size statistics and request mixes). */
export async function sampleRecords(dir: string, maxRecords = 30_000): Promise<GenRecord[]> {
  const files = await listTrailFiles(dir);
  // Spread the sample over the whole period: every k-th file.
  const step = Math.max(1, Math.floor(files.length / 60));
  const out: GenRecord[] = [];
  for (let i = 0; i < files.length && out.length < maxRecords; i += step) {
    const doc = JSON.parse(gunzipSync(readFileSync(files[i]!)).toString('utf8')) as { Records: GenRecord[] };
    out.push(...doc.Records);
  }
  return out;
}

/** The busiest (account, region) of the data, and the LookupEvents request mix over it, so every filter matches. */
export async function busiestPartitionMix(data: string): Promise<{ accountId: string; region: string; inPartition: GenRecord[]; mix: LookupEventsRequestBody[] }> {
  const records = await sampleRecords(data);
  const partitions = new Map<string, number>();
  for (const r of records) if (r.eventCategory === 'Management') partitions.set(`${r.recipientAccountId}/${r.awsRegion}`, (partitions.get(`${r.recipientAccountId}/${r.awsRegion}`) ?? 0) + 1);
  const [busiest] = [...partitions].sort((a, b) => b[1] - a[1])[0]!;
  const [accountId, region] = busiest.split('/') as [string, string];
  const inPartition = records.filter((r) => r.recipientAccountId === accountId && r.awsRegion === region);
  return { accountId, region, inPartition, mix: lookupRequestMix(inPartition, 32) };
}

export function loadFigures(r: BareBaselineResult): Figure[] {
  const l = r.load;
  return [
    { name: 'response body', value: r.bodyBytes, unit: 'B' },
    { name: 'concurrency', value: l.concurrency },
    { name: 'requests', value: l.requests, note: `${l.errors} errors, ${(l.durationMs / 1000).toFixed(1)} s measured after warm-up` },
    { name: 'throughput', value: l.rps, unit: 'req/s' },
    { name: 'latency p50', value: l.latencyMs.p50, unit: 'ms' },
    { name: 'latency p90', value: l.latencyMs.p90, unit: 'ms' },
    { name: 'latency p99', value: l.latencyMs.p99, unit: 'ms' },
    { name: 'latency max', value: l.latencyMs.max, unit: 'ms' },
    { name: 'server CPU', value: r.serverCpu.cores, unit: 'cores', note: `pid ${process.pid}` },
    { name: 'load-generator CPU', value: l.cpu.cores, unit: 'cores', note: `separate process, pid ${l.pid}` },
    { name: 'server req per CPU-second', value: r.serverRequestsPerCpuSecond, unit: 'req/s', note: 'server cost per request; robust to a busy machine' },
    { name: 'client req per CPU-second', value: Math.round(l.requests / ((l.cpu.userMs + l.cpu.systemMs) / 1000)), unit: 'req/s' },
  ];
}

export function pageFigures(p: PageSizeStats): Figure[] {
  return [
    { name: 'pages measured', value: p.pages, note: `${p.pageSize} management events each, newest first` },
    { name: 'mean body', value: p.meanBytes, unit: 'B', note: `${Math.round(p.meanBytes / p.pageSize)} B/event` },
    { name: 'median body', value: p.medianBytes, unit: 'B' },
    { name: 'p90 body', value: p.p90Bytes, unit: 'B' },
    { name: 'min / max', value: `${p.minBytes} / ${p.maxBytes} B` },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      concurrency: { type: 'string', default: '16' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '1' },
      'parse-workers': { type: 'string', default: '2' },
      'skip-parse': { type: 'boolean', default: false },
    },
  });
  const dir = values.data;
  const sections: { title: string; figures: Figure[] }[] = [];
  const data: Record<string, unknown> = { dataset: dir };

  let parse1: ParseRateResult | undefined;
  if (!values['skip-parse']) {
    parse1 = await measureParseRate({ dir, workers: 1 });
    sections.push({ title: 'parse rate, 1 thread (read + gunzip + JSON.parse)', figures: parseRateFigures(parse1) });
    data.parse1 = parse1;
    const pw = parseNumber(values['parse-workers'], 2, '--parse-workers');
    if (pw > 1) {
      const parseN = await measureParseRate({ dir, workers: pw });
      sections.push({ title: `parse rate, ${pw} threads`, figures: parseRateFigures(parseN) });
      data.parseN = parseN;
    }
  }

  const records = await sampleRecords(dir);
  const pages = pageBodySizes(records, 50);
  sections.push({ title: 'LookupEvents response size (50 events, CloudTrailEvent as JSON string)', figures: pageFigures(pages) });
  const { representativeBody, ...pageStats } = pages;
  data.pages = pageStats;

  const bare = await runBareBaseline({
    body: representativeBody,
    concurrency: parseNumber(values.concurrency, 16, '--concurrency'),
    durationMs: parseNumber(values.duration, 10, '--duration') * 1000,
    warmupMs: parseNumber(values.warmup, 1, '--warmup') * 1000,
    requests: lookupRequestMix(records, 32),
  });
  sections.push({ title: 'bare node:http server, SigV4-signed LookupEvents requests, keep-alive', figures: loadFigures(bare) });
  data.bare = bare;

  await writeReport('baseline', sections, data);
}

if (isMain(import.meta.url)) runMain(main);
