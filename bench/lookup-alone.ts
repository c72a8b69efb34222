/**
 * Each LookupEvents request of the benchmark's mix alone, one at a time (concurrency 1), on a fresh
 * copy of one store: what each kind of lookup costs, and how far its tail sits from its median when
 * nothing queues behind it (the tail is then the server's own stalls: GC, moves into SQLite).
 *
 *   node --import tsx bench/lookup-alone.ts --data bench/out/data --store STORE [--cli dist/cli/main.js] [--requests 200]
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { busiestPartitionMix } from './baseline.js';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { runLoad } from './lib/loadgen.js';
import { describeOtherLoad, sampleOtherLoad } from './lib/other-load.js';
import { createAccessKey, spawnServer } from './lib/proc.js';
import { lookupEventsBuilder } from './lib/requests.js';
import { BENCH_OUT, REPO_ROOT, writeReport } from './lib/report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      store: { type: 'string' },
      cli: { type: 'string', default: path.join(REPO_ROOT, 'dist', 'cli', 'main.js') },
      requests: { type: 'string', default: '200' },
    },
  });
  if (!values.store) throw new Error('--store DIR is required: a data directory `cairn import` has filled');
  const requests = parseNumber(values.requests, 200, '--requests');
  const { accountId, region, mix } = await busiestPartitionMix(values.data);
  console.log(describeOtherLoad(await sampleOtherLoad()));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cairn-lookup-alone-'));
  const rows: { body: string; p50: number; p99: number; max: number; bytes: number }[] = [];
  try {
    cpSync(values.store, dataDir, { recursive: true });
    const credentials = createAccessKey(values.cli, dataDir, accountId);
    const server = await spawnServer({ command: process.execPath, args: [values.cli, 'serve', '--data-dir', dataDir, '--port', '0'] });
    try {
      const load = async (bodies: typeof mix, n: number) =>
        runLoad({ url: server.url, concurrency: 1, requests: n, warmupMs: 0 }, await lookupEventsBuilder({ endpoint: server.url, region, credentials, bodies }));
      await load(mix, mix.length * 10); // warm every request's chunks
      for (const body of mix) {
        const r = await load([body], requests);
        rows.push({ body: JSON.stringify(body), p50: r.latencyMs.p50, p99: r.latencyMs.p99, max: r.latencyMs.max, bytes: Math.round(r.meanResponseBytes) });
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  rows.sort((a, b) => b.p50 - a.p50);
  for (const r of rows) console.log(`p50 ${r.p50.toFixed(2)}  p99 ${r.p99.toFixed(2)}  max ${r.max.toFixed(2)} ms  ${r.bytes} B  ${r.body.slice(0, 100)}`);
  await writeReport(
    'lookup-alone',
    [{ title: `each request alone, ${requests} times`, figures: rows.map((r) => ({ name: r.body.slice(0, 100), value: r.p50, unit: 'ms p50', note: `p99 ${r.p99} ms, max ${r.max} ms, ${r.bytes} B` })) }],
    { rows },
  );
}

if (isMain(import.meta.url)) runMain(main);
