/**
 * How long the compactor holds the server's thread: a backlog of small chunks (recorded calls land a
 * few per commit) is merged round by round, each round one transaction on the thread that also
 * answers requests. Reports every round's duration: the longest is the longest stall a request
 * sees. Beside it, same run: all rounds together, about what one transaction merging the whole
 * backlog took before rounds were bounded (that stall, measured directly: BENCHMARKS.md).
 *
 *   node --import tsx bench/compaction.ts [--chunks 2000] [--events-per-chunk 16]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { entry } from '../src/store/testing/index.js';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { fmt, writeReport } from './lib/report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { chunks: { type: 'string' }, 'events-per-chunk': { type: 'string' } } });
  const chunks = parseNumber(values.chunks, 2000, '--chunks');
  const perChunk = parseNumber(values['events-per-chunk'], 16, '--events-per-chunk');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cairn-bench-compaction-'));
  try {
    const store = openSqliteStore({ dataDir });
    const start = Date.now();
    for (let i = 0; i < chunks; i++) {
      const at = new Date(start + i * 100).toISOString();
      await store.events.append(Array.from({ length: perChunk }, () => entry({ eventID: randomUUID(), eventTime: at, eventSource: 'cloudtrail.amazonaws.com', eventName: 'LookupEvents' })));
    }
    const rounds: number[] = [];
    let merged = 0;
    for (;;) {
      const t = performance.now();
      const moved = await store.events.compact();
      rounds.push(performance.now() - t);
      if (moved === 0) break;
      merged += moved;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await store.close();
    const sorted = [...rounds].sort((a, b) => a - b);
    const total = rounds.reduce((a, b) => a + b, 0);
    await writeReport(
      'compaction',
      [
        {
          title: `compacting ${chunks} chunks of ${perChunk} events`,
          figures: [
            { name: 'events merged', value: merged },
            { name: 'rounds', value: rounds.length },
            { name: 'all rounds together', value: fmt(total, 0), unit: 'ms', note: 'the stall when the backlog was merged in one transaction' },
            { name: 'round p50', value: fmt(sorted[Math.floor(sorted.length / 2)] ?? 0), unit: 'ms' },
            { name: 'longest round', value: fmt(sorted[sorted.length - 1] ?? 0), unit: 'ms', note: 'the longest a request waits for compaction now' },
          ],
        },
      ],
      { rounds },
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) runMain(main);
