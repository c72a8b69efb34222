/**
 * CloudTrail Lake benchmark: the same synthetic events as raw trail files (.json.gz, AWS's layout)
 * and as a Lake store (zstd Parquet by day, Lake's columns); four queries side by side on Cairn's
 * sandboxed DuckDB over the Parquet, DuckDB over the raw files (what users do by hand or with
 * Tailpipe), and jq over the raw files (aggregation only).
 *
 *   node --import tsx bench/lake.ts --events 200000 [--runs 5] [--raw-runs 3] [--out bench/out/lake]
 *
 * Writes bench/out/results-lake.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { readArchive } from '../src/import/index.js';
import { datasetBytes, dayOf, daysOf, liveFiles, ParquetWriter, SandboxedQuery, toLakeRow } from '../src/lake/index.js';
import { writeDataset } from './generate.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, runs: { type: 'string', default: '5' }, 'raw-runs': { type: 'string', default: '3' }, out: { type: 'string', default: 'bench/out/lake' } } });
const events = Number(values.events);
const runs = Number(values.runs);
/** DuckDB over the raw files takes minutes a query at 10M events: fewer runs of it. */
const rawRuns = Number(values['raw-runs']);
const out = path.resolve(values.out);
const raw = path.join(out, 'raw');
const store = path.join(out, 'store');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f));
}

function p50(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function timed(fn: () => Promise<unknown>, n: number): Promise<{ p50: number; runs: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    all.push(performance.now() - t);
  }
  return { p50: p50(all), runs: all.map((x) => Math.round(x)) };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
console.error(`generating ${events} events ...`);
const summary = await writeDataset({ events, out: raw, seed: 1, force: true, progress: false });
const gzFiles = filesUnder(path.join(raw, 'AWSLogs'), '.json.gz');
const gzipBytes = gzFiles.reduce((s, f) => s + statSync(f).size, 0);

console.error('writing Parquet ...');
const writer = new ParquetWriter(2);
const tWrite = performance.now();
const byDay = new Map<string, object[]>();
let needle = '';
let seq = 0;
const flush = async (): Promise<void> => {
  for (const [day, rows] of byDay) await writer.writeJournalRange(store, day, { from: seq + 1, to: seq + rows.length }, rows);
  for (const rows of byDay.values()) seq += rows.length;
  byDay.clear();
};
let pending = 0;
for await (const batch of readArchive([path.join(raw, 'AWSLogs')])) {
  for (const entry of batch.entries) {
    const row = toLakeRow(JSON.parse(entry.raw) as Record<string, unknown>, entry.eventTime);
    if (!needle && pending === 1234) needle = entry.eventId;
    const day = dayOf(entry.eventTime);
    const list = byDay.get(day) ?? [];
    list.push(row);
    byDay.set(day, list);
    pending++;
  }
  if (pending >= 200_000) {
    await flush();
    pending = 0;
  }
}
await flush();
const writeMs = performance.now() - tWrite;
// What the server's ingestion leaves behind: each day's files merged (it compacts a day at 8 files).
console.error('compacting ...');
const tCompact = performance.now();
for (const day of daysOf(store)) await writer.compactDay(store, day, true);
const compactMs = performance.now() - tCompact;
const parquetBytes = datasetBytes(store);
const files = liveFiles(store);
console.error(JSON.stringify({ gzipBytesPerEvent: gzipBytes / summary.events, parquetBytesPerEvent: parquetBytes / summary.events, writeMs, compactMs }));

const day = dayOf(Date.parse(summary.lastEventTime) - 5 * 86_400_000);
const next = dayOf(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
const queries: Record<string, { lake: string; raw: string }> = {
  aggregation: {
    lake: 'SELECT eventSource, count(*) AS n FROM "t" GROUP BY eventSource ORDER BY n DESC',
    raw: 'SELECT r.eventSource, count(*) AS n FROM recs GROUP BY 1 ORDER BY n DESC',
  },
  filterByTime: {
    lake: `SELECT count(*) AS n FROM "t" WHERE eventTime >= '${day} 00:00:00' AND eventTime < '${next} 00:00:00'`,
    raw: `SELECT count(*) AS n FROM recs WHERE r.eventTime >= '${day}T00:00:00Z' AND r.eventTime < '${next}T00:00:00Z'`,
  },
  topN: {
    lake: 'SELECT userIdentity.arn AS arn, count(*) AS n FROM "t" GROUP BY 1 ORDER BY n DESC LIMIT 10',
    raw: 'SELECT r.userIdentity.arn AS arn, count(*) AS n FROM recs GROUP BY 1 ORDER BY n DESC LIMIT 10',
  },
  needleByEventId: {
    lake: `SELECT eventName, eventTime FROM "t" WHERE eventID = '${needle}'`,
    raw: `SELECT r.eventName, r.eventTime FROM recs WHERE r.eventID = '${needle}'`,
  },
};

const rawDb = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
const glob = path.join(raw, 'AWSLogs', '**', '*.json.gz').replaceAll("'", "''");
await rawDb.run(`CREATE VIEW recs AS SELECT unnest(Records) AS r FROM read_json('${glob}', format = 'auto', union_by_name = true, sample_size = -1, maximum_object_size = 536870912)`);

const results: Record<string, unknown> = {};
for (const [name, q] of Object.entries(queries)) {
  console.error(`query ${name} ...`);
  const lake = await timed(() => new SandboxedQuery(q.lake, [{ view: 't', dir: store, files }], { memoryLimit: '2GB', threads: 2 }).run(), runs);
  const rawRun = await timed(() => rawDb.runAndReadAll(q.raw), rawRuns);
  results[name] = { lakeP50Ms: Math.round(lake.p50), lakeRuns: lake.runs, rawDuckdbP50Ms: Math.round(rawRun.p50), rawRuns: rawRun.runs, speedup: Math.round((rawRun.p50 / lake.p50) * 10) / 10 };
  // Printed as it comes: a 10M run takes an hour, and a lost process should not lose every figure.
  console.error(JSON.stringify({ [name]: results[name] }));
}
console.error('jq aggregation ...');
const tJq = performance.now();
execFileSync('sh', ['-c', `find '${path.join(raw, 'AWSLogs')}' -name '*.json.gz' -print0 | xargs -0 zcat | jq -r '.Records[].eventSource' | sort | uniq -c > /dev/null`]);
const jqMs = performance.now() - tJq;

const report = {
  events: summary.events,
  gzipBytesPerEvent: Math.round((gzipBytes / summary.events) * 10) / 10,
  parquetBytesPerEvent: Math.round((parquetBytes / summary.events) * 10) / 10,
  parquetFiles: files.length,
  parquetWriteSeconds: Math.round(writeMs / 100) / 10,
  compactSeconds: Math.round(compactMs / 100) / 10,
  queries: results,
  jqAggregationMs: Math.round(jqMs),
};
writeWithDir(path.resolve('bench/out/results-lake.json'), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
writer.close();

function writeWithDir(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text + '\n');
}
