/**
 * Whole `cairn import` runs of one or more builds, alternated round by round, each into a fresh data
 * directory: how to compare import changes on a machine whose speed drifts within the hour.
 *
 *   git worktree add /tmp/cairn-old <rev> && ...                                    # an older build
 *   node --import tsx bench/import-ab.ts --data bench/out/data \
 *     --cli /tmp/cairn-old/dist/cli/main.js --cli dist/cli/main.js [--rounds 2] [--threads]
 *
 * `--threads` also prints each import's CPU by thread and the bytes it wrote (from /proc while it
 * runs). Threads are listed in the order they started: `cairn import`'s own thread, V8's helper
 * threads (GC), the importing thread, the reading thread, then the checkpoint thread.
 *
 * A build's dist/ must sit inside a checkout (its node_modules are found from there).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { describeOtherLoad, sampleOtherLoad } from './lib/other-load.js';
import { runTimed } from './lib/proc.js';
import type { ProcessUsage } from './lib/thread-sampler.js';
import { BENCH_OUT, REPO_ROOT, writeReport } from './lib/report.js';

interface Run {
  round: number;
  cli: string;
  eventsPerSecond: number;
  wallSeconds: number;
  cpuSeconds: number;
  usage?: ProcessUsage;
}

/** Bytes written, then every thread that used 0.1 CPU-s or more, in the order the threads started. */
function describeUsage(usage: ProcessUsage): string {
  const lines = [`    written ${(usage.writtenBytes / 1e9).toFixed(2)} GB (to storage ${(usage.storageWriteBytes / 1e9).toFixed(2)} GB)`];
  for (const t of usage.threads) {
    if (t.userMs + t.systemMs < 100) continue;
    lines.push(`    thread ${t.tid}: ${(t.userMs / 1000).toFixed(1)} s user + ${(t.systemMs / 1000).toFixed(1)} s system`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      cli: { type: 'string', multiple: true },
      rounds: { type: 'string', default: '2' },
      threads: { type: 'boolean', default: false },
    },
  });
  const clis = values.cli ?? [path.join(REPO_ROOT, 'dist', 'cli', 'main.js')];
  const rounds = parseNumber(values.rounds, 2, '--rounds');
  const otherLoad = await sampleOtherLoad();
  console.log(describeOtherLoad(otherLoad));
  const runs: Run[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const cli of clis) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'cairn-import-ab-'));
      try {
        const run = await runTimed(process.execPath, [cli, 'import', '--data-dir', dataDir, values.data], { watchThreads: values.threads });
        if (run.exitCode !== 0) throw new Error(`${cli} import exited with ${run.exitCode}: ${run.stderr}`);
        // The command's own figure: events read over its time, the final merge included.
        const reported = /\((\d+) events\/s\)/.exec(run.stdout);
        if (!reported) throw new Error(`no events/s in the import's output: ${run.stdout}`);
        const result: Run = { round, cli, eventsPerSecond: Number(reported[1]), wallSeconds: run.wallMs / 1000, cpuSeconds: run.cpuMs / 1000, ...(run.usage ? { usage: run.usage } : {}) };
        runs.push(result);
        console.log(`round ${round}  ${cli}: ${result.eventsPerSecond} events/s  ${result.wallSeconds.toFixed(1)} s  ${result.cpuSeconds.toFixed(1)} CPU-s`);
        if (run.usage) console.log(describeUsage(run.usage));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  await writeReport(
    'import-ab',
    clis.map((cli) => ({
      title: cli,
      figures: runs
        .filter((r) => r.cli === cli)
        .map((r) => ({ name: `round ${r.round}`, value: r.eventsPerSecond, unit: 'events/s', note: `${r.wallSeconds.toFixed(1)} s, ${r.cpuSeconds.toFixed(1)} CPU-s` })),
    })),
    { runs, otherLoadBefore: otherLoad },
  );
}

if (isMain(import.meta.url)) runMain(main);
