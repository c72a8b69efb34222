/**
 * LookupEvents load on one or more builds of Cairn, run in turn on fresh copies of one store: the way
 * to tell whether a change helped on a machine whose speed drifts by 1.5× within an hour. Each run
 * is bench/cairn.ts's third part (SigV4, keep-alive, the 32-request mix of every attribute); with
 * `--bare`, the bare node:http server answering a body of the same size runs right after each, and
 * the ratio is taken against it.
 *
 *   node dist/cli/main.js import bench/out/data --data-dir bench/out/store-1m      # once: the store
 *   git worktree add /tmp/cairn-old <rev> && ...                                    # an older build
 *   node --import tsx bench/lookup-ab.ts --data bench/out/data --store bench/out/store-1m \
 *     --cli /tmp/cairn-old/dist/cli/main.js --cli dist/cli/main.js [--rounds 3] [--bare] [--empty-page]
 *
 * `--empty-page` sends LookupEvents calls that match nothing (an unknown EventId), and the bare server
 * answers an empty page: what a call costs besides finding and sending its events (HTTP, SigV4,
 * recording the call).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { busiestPartitionMix, runBareBaseline } from './baseline.js';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { runLoadInChild } from './lib/loadgen.js';
import type { LookupEventsRequestBody } from './lib/lookup-shape.js';
import { pageBodySizes } from './lib/lookup-shape.js';
import { createAccessKey, spawnServer } from './lib/proc.js';
import { BENCH_OUT, REPO_ROOT, writeReport } from './lib/report.js';
import { describeOtherLoad, sampleOtherLoad } from './lib/other-load.js';

interface Run {
  round: number;
  cli: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Server CPU (all its threads) per answered request. */
  cpuMsPerRequest: number;
  bareRps?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      store: { type: 'string' },
      cli: { type: 'string', multiple: true },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '8' },
      concurrency: { type: 'string', default: '16' },
      bare: { type: 'boolean', default: false },
      'empty-page': { type: 'boolean', default: false },
    },
  });
  if (!values.store) throw new Error('--store DIR is required: a data directory `cairn import` has filled');
  const clis = values.cli ?? [path.join(REPO_ROOT, 'dist', 'cli', 'main.js')];
  const rounds = parseNumber(values.rounds, 3, '--rounds');
  const durationMs = parseNumber(values.duration, 8, '--duration') * 1000;
  const concurrency = parseNumber(values.concurrency, 16, '--concurrency');

  const { accountId, region, inPartition, mix } = await busiestPartitionMix(values.data);
  const requests: LookupEventsRequestBody[] = values['empty-page']
    ? mix.map(() => ({ MaxResults: 50, LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: '00000000-0000-4000-8000-000000000000' }] }))
    : mix;
  // The bare server answers what Cairn answers: a page of the same size, or an empty one.
  const body = values['empty-page'] ? '{"Events":[]}' : pageBodySizes(inPartition, 50).representativeBody;

  const otherLoad = await sampleOtherLoad();
  console.log(describeOtherLoad(otherLoad));
  const runs: Run[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const cli of clis) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'cairn-lookup-ab-'));
      try {
        cpSync(values.store, dataDir, { recursive: true });
        const credentials = createAccessKey(cli, dataDir, accountId);
        const server = await spawnServer({ command: process.execPath, args: [cli, 'serve', '--data-dir', dataDir, '--port', '0'] });
        let run: Run;
        try {
          const cpu0 = server.cpuMs();
          const t0 = performance.now();
          const load = await runLoadInChild({
            url: server.url,
            concurrency,
            durationMs,
            warmupMs: 1_000,
            builder: { module: new URL('./lib/requests.ts', import.meta.url).href, export: 'lookupEventsBuilder', args: { endpoint: server.url, region, credentials, bodies: requests } },
          });
          const cores = (server.cpuMs() - cpu0) / (performance.now() - t0);
          run = { round, cli, rps: load.rps, p50: load.latencyMs.p50, p99: load.latencyMs.p99, errors: load.errors, cpuMsPerRequest: Math.round((cores * 1000 * 100) / load.rps) / 100 };
        } finally {
          await server.stop();
        }
        if (values.bare) run.bareRps = (await runBareBaseline({ body, concurrency, durationMs, requests })).load.rps;
        runs.push(run);
        const ratio = run.bareRps ? `  ${((100 * run.rps) / run.bareRps).toFixed(1)} % of bare ${run.bareRps} req/s` : '';
        console.log(`round ${round}  ${cli}: ${run.rps} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  ${run.cpuMsPerRequest} ms CPU/request  ${run.errors} errors${ratio}`);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  await writeReport(
    'lookup-ab',
    clis.map((cli) => ({
      title: `${cli}${values['empty-page'] ? ' (calls matching nothing)' : ''}`,
      figures: runs
        .filter((r) => r.cli === cli)
        .map((r) => ({ name: `round ${r.round}`, value: r.rps, unit: 'req/s', note: `p99 ${r.p99} ms, ${r.cpuMsPerRequest} ms CPU/request${r.bareRps ? `, bare ${r.bareRps} req/s` : ''}` })),
    })),
    { runs, otherLoadBefore: otherLoad },
  );
}

if (isMain(import.meta.url)) runMain(main);
