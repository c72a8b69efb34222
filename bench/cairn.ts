/**
 * Cairn's foundation figures, each beside its baseline measured in the same run:
 *   1. import: `cairn import` of the whole archive vs read + gunzip + JSON.parse of the same files,
 *      and Cairn's archive reader alone (nothing stored) to split the import's time;
 *   2. storage: bytes on disk after the import vs the archive's gzip bytes;
 *   3. LookupEvents over HTTP (SigV4, keep-alive, concurrency 16, a mix of every lookup attribute)
 *      vs a bare node:http server answering a body of the same size.
 *
 *   node --import tsx bench/generate.ts --events 1000000 --out bench/out/data --seed 1
 *   npm run build && node --import tsx bench/cairn.ts [--data bench/out/data] [--duration 10]
 *
 * Writes bench/out/results-cairn.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { busiestPartitionMix, loadFigures, runBareBaseline } from './baseline.js';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { runLoadInChild } from './lib/loadgen.js';
import { pageBodySizes } from './lib/lookup-shape.js';
import { measureParseRate } from './lib/parse-rate.js';
import { createAccessKey, dirSize, runTimed, spawnServer } from './lib/proc.js';
import type { Figure } from './lib/report.js';
import { BENCH_OUT, REPO_ROOT, fmt, ratio, writeReport } from './lib/report.js';
import { describeOtherLoad, sampleOtherLoad } from './lib/other-load.js';

const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
const READER_RATE = new URL('./lib/reader-rate.ts', import.meta.url).pathname;

interface Manifest {
  events: number;
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      duration: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      keep: { type: 'boolean', default: false },
    },
  });
  const dir = values.data;
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cairn-bench-'));
  const sections: { title: string; figures: Figure[] }[] = [];
  // A stray busy process halves what this 2-core machine gives the benchmark: say so before measuring.
  const otherLoad = await sampleOtherLoad();
  console.log(describeOtherLoad(otherLoad));
  const data: Record<string, unknown> = { dataset: dir, dataDir, manifest, otherLoadBefore: otherLoad };
  try {
    // 1. Import beside the parse rate, one after the other on the same files.
    const parse = await measureParseRate({ dir, workers: 1 });
    const imported = await runTimed(process.execPath, [CLI, 'import', '--data-dir', dataDir, dir]);
    if (imported.exitCode !== 0) throw new Error(`import failed: ${imported.stderr}`);
    const importRate = manifest.events / (imported.wallMs / 1000);
    const parseRate = parse.events / parse.wallSeconds;
    // Its own process, as the import runs: the reader's rate without the store's work.
    const reading = await runTimed(process.execPath, ['--import', 'tsx', READER_RATE, dir]);
    if (reading.exitCode !== 0) throw new Error(`reader failed: ${reading.stderr}`);
    const read = JSON.parse(reading.stdout) as { events: number; seconds: number };
    const readerRate = read.events / read.seconds;
    sections.push({
      title: 'import (cairn import) vs read + gunzip + JSON.parse, same files, 1 thread',
      figures: [
        { name: 'events', value: manifest.events, note: `${manifest.files} files` },
        { name: 'parse rate', value: Math.round(parseRate), unit: 'events/s' },
        { name: 'import rate', value: Math.round(importRate), unit: 'events/s', note: imported.stdout.trim() },
        { name: 'import / parse', value: fmt(ratio(importRate, parseRate) * 100), unit: '%', note: 'target ≥ 60 %' },
        { name: 'import CPU', value: fmt(imported.cpuMs / 1000), unit: 's', note: `parse CPU ${fmt(parse.cpuSeconds)} s` },
        { name: 'reader alone', value: Math.round(readerRate), unit: 'events/s', note: `${fmt(ratio(readerRate, parseRate) * 100)} % of the parse rate: read, split, parse, fields; nothing stored` },
      ],
    });
    data.import = { wallMs: imported.wallMs, cpuMs: imported.cpuMs, parse, reader: { ...read, cpuMs: reading.cpuMs } };

    // 2. Storage: what the data directory holds after the import (WAL checkpointed by the import's close).
    const stored = await dirSize(dataDir);
    sections.push({
      title: 'storage after import vs the gzip archive',
      figures: [
        { name: 'stored', value: stored.bytes, unit: 'B', note: `${fmt(stored.bytes / manifest.events)} B/event, ${stored.files} files` },
        { name: 'gzip archive', value: manifest.gzipBytes, unit: 'B', note: `${fmt(manifest.gzipBytes / manifest.events)} B/event` },
        { name: 'stored / gzip', value: fmt(ratio(stored.bytes, manifest.gzipBytes), 2), unit: '×', note: 'target ≤ 1.5' },
        { name: 'raw JSON', value: manifest.rawBytes, unit: 'B', note: `stored / raw ${fmt(ratio(stored.bytes, manifest.rawBytes), 3)}` },
      ],
    });
    data.storage = stored;

    // 3. LookupEvents: sign as the busiest (account, region) so every filter of the mix matches.
    const { accountId, region, inPartition, mix: requests } = await busiestPartitionMix(dir);
    const credentials = createAccessKey(CLI, dataDir, accountId);
    const concurrency = parseNumber(values.concurrency, 16, '--concurrency');
    const durationMs = parseNumber(values.duration, 10, '--duration') * 1000;
    const server = await spawnServer({ command: process.execPath, args: [CLI, 'serve', '--data-dir', dataDir, '--port', '0'] });
    let cairnLoad;
    try {
      const cpu0 = server.cpuMs();
      const t0 = performance.now();
      cairnLoad = await runLoadInChild({
        url: server.url,
        concurrency,
        durationMs,
        warmupMs: 1_000,
        builder: { module: new URL('./lib/requests.ts', import.meta.url).href, export: 'lookupEventsBuilder', args: { endpoint: server.url, region, credentials, bodies: requests } },
      });
      data.cairnServerCores = (server.cpuMs() - cpu0) / (performance.now() - t0);
    } finally {
      await server.stop();
    }
    const pages = pageBodySizes(inPartition, 50);
    const bare = await runBareBaseline({ body: pages.representativeBody, concurrency, durationMs, requests });
    const l = cairnLoad;
    sections.push({
      title: `LookupEvents over HTTP, c=${concurrency}, ${requests.length} requests covering all eight attributes (account ${accountId}, ${region})`,
      figures: [
        { name: 'requests', value: l.requests, note: `${l.errors} errors` },
        { name: 'throughput', value: l.rps, unit: 'req/s', note: `bare server ${bare.load.rps} req/s` },
        { name: 'throughput / bare', value: fmt(ratio(l.rps, bare.load.rps) * 100), unit: '%', note: 'target ≥ 40 %' },
        { name: 'latency p50', value: l.latencyMs.p50, unit: 'ms', note: `bare ${bare.load.latencyMs.p50} ms` },
        { name: 'latency p99', value: l.latencyMs.p99, unit: 'ms', note: `bare ${bare.load.latencyMs.p99} ms; target < 20 ms` },
        { name: 'server CPU', value: fmt(Number(data.cairnServerCores), 2), unit: 'cores' },
        { name: 'load-generator CPU', value: l.cpu.cores, unit: 'cores' },
      ],
    });
    sections.push({ title: 'bare node:http server, same requests, same body size', figures: loadFigures(bare) });
    data.lookup = { cairn: cairnLoad, bare };
  } finally {
    if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
  }
  await writeReport('cairn', sections, data);
}

if (isMain(import.meta.url)) runMain(main);
