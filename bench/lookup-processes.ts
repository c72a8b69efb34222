/**
 * LookupEvents throughput of one `cairn serve` process against several, each on its own copy of one
 * store, the 16 connections split between them, with the bare server after each round: whether
 * serving calls on more than one core would raise the ratio to the bare server on this machine.
 *
 *   node --import tsx bench/lookup-processes.ts --data bench/out/data --store STORE [--processes 1,2] [--rounds 2] [--duration 8]
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { busiestPartitionMix, runBareBaseline } from './baseline.js';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { runLoadInChild } from './lib/loadgen.js';
import { pageBodySizes } from './lib/lookup-shape.js';
import { describeOtherLoad, sampleOtherLoad } from './lib/other-load.js';
import { createAccessKey, spawnServer, type ServerProcess } from './lib/proc.js';
import { BENCH_OUT, REPO_ROOT, writeReport } from './lib/report.js';

const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
const CONCURRENCY = 16;

interface Serving {
  server: ServerProcess;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dataDir: string;
}

async function startServing(store: string, accountId: string): Promise<Serving> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cairn-lookup-processes-'));
  cpSync(store, dataDir, { recursive: true });
  const credentials = createAccessKey(CLI, dataDir, accountId);
  const server = await spawnServer({ command: process.execPath, args: [CLI, 'serve', '--data-dir', dataDir, '--port', '0'] });
  return { server, credentials, dataDir };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      store: { type: 'string' },
      processes: { type: 'string', default: '1,2' },
      rounds: { type: 'string', default: '2' },
      duration: { type: 'string', default: '8' },
    },
  });
  if (!values.store) throw new Error('--store DIR is required: a data directory `cairn import` has filled');
  const store = values.store;
  const counts = values.processes.split(',').map((n) => parseNumber(n, 1, '--processes'));
  const rounds = parseNumber(values.rounds, 2, '--rounds');
  const durationMs = parseNumber(values.duration, 8, '--duration') * 1000;
  const { accountId, region, inPartition, mix } = await busiestPartitionMix(values.data);
  const body = pageBodySizes(inPartition, 50).representativeBody;
  console.log(describeOtherLoad(await sampleOtherLoad()));
  const runs: { round: number; processes: number; rps: number; p99: number[]; bareRps: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const processes of counts) {
      const serving = await Promise.all(Array.from({ length: processes }, () => startServing(store, accountId)));
      let loads;
      try {
        loads = await Promise.all(
          serving.map((s) =>
            runLoadInChild({
              url: s.server.url,
              concurrency: Math.max(1, Math.round(CONCURRENCY / processes)),
              durationMs,
              warmupMs: 1_000,
              builder: { module: new URL('./lib/requests.ts', import.meta.url).href, export: 'lookupEventsBuilder', args: { endpoint: s.server.url, region, credentials: s.credentials, bodies: mix } },
            }),
          ),
        );
      } finally {
        for (const s of serving) {
          await s.server.stop();
          rmSync(s.dataDir, { recursive: true, force: true });
        }
      }
      const bareRps = (await runBareBaseline({ body, concurrency: CONCURRENCY, durationMs, requests: mix })).load.rps;
      const run = { round, processes, rps: Math.round(loads.reduce((sum, l) => sum + l.rps, 0)), p99: loads.map((l) => l.latencyMs.p99), bareRps: Math.round(bareRps) };
      runs.push(run);
      console.log(`round ${round}  ${processes} process(es): ${run.rps} req/s (${((100 * run.rps) / run.bareRps).toFixed(1)} % of bare ${run.bareRps})  p99 ${run.p99.map((p) => p.toFixed(1)).join(' / ')} ms`);
    }
  }
  await writeReport(
    'lookup-processes',
    counts.map((processes) => ({
      title: `${processes} process(es), ${CONCURRENCY} connections in all`,
      figures: runs.filter((r) => r.processes === processes).map((r) => ({ name: `round ${r.round}`, value: r.rps, unit: 'req/s', note: `bare ${r.bareRps} req/s, p99 ${r.p99.join(' / ')} ms` })),
    })),
    { runs },
  );
}

if (isMain(import.meta.url)) runMain(main);
