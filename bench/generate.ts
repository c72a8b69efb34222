/**
 * Seeded generator of realistic CloudTrail records, written in AWS's trail layout.
 *
 *   node --import tsx bench/generate.ts --events 1000000 --out bench/out/data --seed 1
 *
 * Options:
 *   --events N        records to write (1000000, 1e6, 1M; default 1M)
 *   --out DIR         dataset directory (default bench/out/data); files go under DIR/AWSLogs/...
 *   --seed N          PRNG seed (default 1)
 *   --days N          period covered, ending at --end (default 80)
 *   --end ISO         end of the period (default: today 00:00 UTC, so same-day runs are identical)
 *   --gzip-level N    zlib level (default 6, like java.util.zip's default)
 *   --workers N       worker threads (default: number of CPUs, max 4)
 *   --force           replace an existing DIR/AWSLogs
 *
 * Writes DIR/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16>.json.gz,
 * each a gzip of compact {"Records":[...]} with 200–1000 records, plus DIR/manifest.json (parameters
 * and distributions) and bench/out/results-generate.json (figures).
 *
 * Other bench programs import `generateRecords(count, seed)` (same records as the files) or
 * `iterateFiles` from here.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { RecordGenerator, fileBody, resolveEnd } from './lib/gen/generator.js';
import type { GenOptions } from './lib/gen/generator.js';
import { describeWorld } from './lib/gen/world.js';
import type { GenRecord } from './lib/gen/types.js';
import { isMain, parseCount, parseNumber, runMain } from './lib/args.js';
import { BENCH_OUT, fmt, formatBytes, writeReport } from './lib/report.js';
import { startTsWorker } from './lib/workers.js';

export { RecordGenerator, fileBody, recordJson, generateRecords, iterateFiles } from './lib/gen/generator.js';
export type { FilePlan, GenOptions, GeneratedFile } from './lib/gen/generator.js';
export type { GenRecord } from './lib/gen/types.js';

export interface WriteOptions {
  events: number;
  out: string;
  seed: number;
  days?: number;
  /** End of the covered period (ISO or epoch ms); resolved once so all workers agree. */
  end?: string | number;
  gzipLevel?: number;
  workers?: number;
  force?: boolean;
  /** Progress line on stderr (default: when stderr is a TTY). */
  progress?: boolean;
}

type Counts = Record<string, number>;

export interface DatasetStats {
  events: number;
  files: number;
  rawBytes: number;
  gzipBytes: number;
  readOnly: number;
  errors: number;
  dataEvents: number;
  firstEventTime: string;
  lastEventTime: string;
  bySource: Counts;
  byName: Counts;
  byIdentityType: Counts;
  byVersion: Counts;
  byRegion: Counts;
  byAccount: Counts;
  byErrorCode: Counts;
}

export interface DatasetSummary extends DatasetStats {
  seed: number;
  days: number;
  end: string;
  gzipLevel: number;
  workers: number;
  out: string;
  elapsedMs: number;
  /** CPU time of all threads (user + system): the cost on an idle machine, whatever the load was. */
  cpuSeconds: number;
  eventsPerSecond: number;
  rawBytesPerEvent: number;
  gzipBytesPerEvent: number;
  accounts: ReturnType<typeof describeWorld>;
}

function emptyStats(): DatasetStats {
  return {
    events: 0, files: 0, rawBytes: 0, gzipBytes: 0, readOnly: 0, errors: 0, dataEvents: 0,
    firstEventTime: '', lastEventTime: '',
    bySource: {}, byName: {}, byIdentityType: {}, byVersion: {}, byRegion: {}, byAccount: {}, byErrorCode: {},
  };
}

function bump(c: Counts, key: string, n = 1): void {
  c[key] = (c[key] ?? 0) + n;
}

function addRecord(s: DatasetStats, r: GenRecord): void {
  s.events++;
  if (r.readOnly) s.readOnly++;
  if (r.errorCode !== undefined || r.errorMessage !== undefined) {
    s.errors++;
    bump(s.byErrorCode, r.errorCode ?? '(message only)');
  }
  if (r.eventCategory === 'Data') s.dataEvents++;
  bump(s.bySource, r.eventSource);
  bump(s.byName, r.eventName);
  bump(s.byIdentityType, r.userIdentity.type);
  bump(s.byVersion, r.eventVersion);
  bump(s.byRegion, r.awsRegion);
  bump(s.byAccount, r.recipientAccountId);
  if (s.firstEventTime === '' || r.eventTime < s.firstEventTime) s.firstEventTime = r.eventTime;
  if (r.eventTime > s.lastEventTime) s.lastEventTime = r.eventTime;
}

function mergeStats(a: DatasetStats, b: DatasetStats): DatasetStats {
  const merge = (x: Counts, y: Counts): Counts => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) bump(out, k, v);
    return out;
  };
  return {
    events: a.events + b.events,
    files: a.files + b.files,
    rawBytes: a.rawBytes + b.rawBytes,
    gzipBytes: a.gzipBytes + b.gzipBytes,
    readOnly: a.readOnly + b.readOnly,
    errors: a.errors + b.errors,
    dataEvents: a.dataEvents + b.dataEvents,
    firstEventTime: [a.firstEventTime, b.firstEventTime].filter((x) => x !== '').sort()[0] ?? '',
    lastEventTime: [a.lastEventTime, b.lastEventTime].sort().at(-1) ?? '',
    bySource: merge(a.bySource, b.bySource),
    byName: merge(a.byName, b.byName),
    byIdentityType: merge(a.byIdentityType, b.byIdentityType),
    byVersion: merge(a.byVersion, b.byVersion),
    byRegion: merge(a.byRegion, b.byRegion),
    byAccount: merge(a.byAccount, b.byAccount),
    byErrorCode: merge(a.byErrorCode, b.byErrorCode),
  };
}

interface ShardJob {
  kind: 'generate-shard';
  events: number;
  seed: number;
  out: string;
  gen: GenOptions;
  gzipLevel: number;
  shard: number;
  shards: number;
}

type ShardMessage = { type: 'progress'; events: number } | { type: 'done'; stats: DatasetStats };

/** Generates and writes every file whose index ≡ shard (mod shards). */
function writeShard(job: ShardJob, onProgress: (events: number) => void): DatasetStats {
  const gen = new RecordGenerator(job.seed, job.gen);
  const stats = emptyStats();
  const made = new Set<string>();
  let sinceReport = 0;
  for (const plan of gen.plan(job.events)) {
    if (plan.index % job.shards !== job.shard) continue;
    const { records } = gen.file(plan, job.events);
    const raw = Buffer.from(fileBody(records));
    const gz = gzipSync(raw, { level: job.gzipLevel });
    const file = path.join(job.out, plan.key);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, gz);
    for (const r of records) addRecord(stats, r);
    stats.files++;
    stats.rawBytes += raw.length;
    stats.gzipBytes += gz.length;
    sinceReport += records.length;
    if (sinceReport >= 20_000) {
      onProgress(sinceReport);
      sinceReport = 0;
    }
  }
  onProgress(sinceReport);
  return stats;
}

function runShardInWorker(job: ShardJob, onProgress: (events: number) => void): Promise<DatasetStats> {
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(import.meta.url, job);
    let result: DatasetStats | undefined;
    worker.on('message', (m: ShardMessage) => {
      if (m.type === 'progress') onProgress(m.events);
      else result = m.stats;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`generator worker ${job.shard} exited with code ${code}`));
    });
  });
}

/** Writes a dataset; returns its summary (also written to <out>/manifest.json). */
export async function writeDataset(options: WriteOptions): Promise<DatasetSummary> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const out = path.resolve(options.out);
  const awsLogs = path.join(out, 'AWSLogs');
  if (existsSync(awsLogs)) {
    if (!options.force) throw new Error(`${awsLogs} exists; pass --force to replace it`);
    await rm(awsLogs, { recursive: true, force: true });
  }
  await mkdir(out, { recursive: true });
  const end = resolveEnd(options.end);
  const days = options.days ?? 80;
  const gzipLevel = options.gzipLevel ?? 6;
  const workers = Math.max(1, Math.floor(options.workers ?? Math.min(4, os.availableParallelism())));
  const base = { kind: 'generate-shard' as const, events: options.events, seed: options.seed, out, gen: { end, days }, gzipLevel, shards: workers };
  const showProgress = options.progress ?? process.stderr.isTTY;
  let done = 0;
  let lastPrint = 0;
  const onProgress = (n: number): void => {
    done += n;
    const now = performance.now();
    if (showProgress && (now - lastPrint > 500 || done === options.events)) {
      lastPrint = now;
      const rate = done / ((now - started) / 1000);
      process.stderr.write(`\r  ${fmt(done, 0)} / ${fmt(options.events, 0)} events  (${fmt(rate, 0)} ev/s)   `);
    }
  };
  let stats: DatasetStats;
  if (workers === 1) {
    stats = writeShard({ ...base, shard: 0 }, onProgress);
  } else {
    const parts = await Promise.all(Array.from({ length: workers }, (_, shard) => runShardInWorker({ ...base, shard }, onProgress)));
    stats = parts.reduce(mergeStats, emptyStats());
  }
  if (showProgress) process.stderr.write('\n');
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const summary: DatasetSummary = {
    ...stats,
    seed: options.seed,
    days,
    end: new Date(end).toISOString(),
    gzipLevel,
    workers,
    out,
    elapsedMs: Math.round(elapsedMs),
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
    eventsPerSecond: Math.round(stats.events / (elapsedMs / 1000)),
    rawBytesPerEvent: stats.rawBytes / Math.max(1, stats.events),
    gzipBytesPerEvent: stats.gzipBytes / Math.max(1, stats.events),
    accounts: describeWorld(new RecordGenerator(options.seed, { end, days }).world),
  };
  await writeFile(path.join(out, 'manifest.json'), JSON.stringify(summary, sortCountsReplacer, 2) + '\n');
  return summary;
}

/** Sorts the count tables by frequency in manifest.json. */
function sortCountsReplacer(this: unknown, key: string, value: unknown): unknown {
  if (key.startsWith('by') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Counts).sort((a, b) => b[1] - a[1]));
  }
  return value;
}

function pct(n: number, of: number): string {
  return `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;
}

function top(c: Counts, n: number, total: number): string {
  return Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${pct(v, total)}`)
    .join(', ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      out: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      seed: { type: 'string', default: '1' },
      days: { type: 'string' },
      end: { type: 'string' },
      'gzip-level': { type: 'string' },
      workers: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: node --import tsx bench/generate.ts [--events 1M] [--out bench/out/data] [--seed 1] [--days 80] [--end ISO] [--gzip-level 6] [--workers N] [--force]');
    return;
  }
  const events = parseCount(values.events, '--events');
  const s = await writeDataset({
    events,
    out: values.out,
    seed: parseNumber(values.seed, 1, '--seed'),
    days: parseNumber(values.days, 80, '--days'),
    end: values.end,
    gzipLevel: parseNumber(values['gzip-level'], 6, '--gzip-level'),
    workers: values.workers === undefined ? undefined : parseNumber(values.workers, 2, '--workers'),
    force: values.force,
  });
  await writeReport(
    'generate',
    [
      {
        title: `dataset ${path.relative(process.cwd(), s.out) || s.out}`,
        figures: [
          { name: 'events', value: s.events },
          { name: 'files', value: s.files, note: `${fmt(s.events / Math.max(1, s.files), 0)} records/file` },
          { name: 'raw JSON', value: formatBytes(s.rawBytes) },
          { name: 'gzip', value: formatBytes(s.gzipBytes), note: `ratio ${(s.rawBytes / Math.max(1, s.gzipBytes)).toFixed(2)}, level ${s.gzipLevel}` },
          { name: 'raw bytes/event', value: s.rawBytesPerEvent, unit: 'B' },
          { name: 'gzip bytes/event', value: s.gzipBytesPerEvent, unit: 'B' },
          { name: 'period', value: `${s.firstEventTime} → ${s.lastEventTime}` },
        ],
      },
      {
        title: 'mix',
        figures: [
          { name: 'readOnly', value: pct(s.readOnly, s.events) },
          { name: 'errors', value: pct(s.errors, s.events), note: top(s.byErrorCode, 4, s.events) },
          { name: 'data events', value: pct(s.dataEvents, s.events) },
          { name: 'identity types', value: top(s.byIdentityType, 6, s.events) },
          { name: 'regions', value: top(s.byRegion, 4, s.events) },
          { name: 'eventVersion', value: top(s.byVersion, 4, s.events) },
          { name: 'top sources', value: top(s.bySource, 6, s.events) },
          { name: 'top names', value: top(s.byName, 8, s.events) },
        ],
      },
      {
        title: 'speed',
        figures: [
          { name: 'elapsed', value: s.elapsedMs / 1000, unit: 's', note: `${s.workers} worker thread(s)` },
          { name: 'rate', value: s.eventsPerSecond, unit: 'events/s' },
          { name: 'CPU time', value: s.cpuSeconds, unit: 's', note: `all threads; ≈ ${(s.cpuSeconds / s.workers).toFixed(0)} s wall with ${s.workers} idle cores` },
        ],
      },
    ],
    { manifest: path.join(s.out, 'manifest.json'), seed: s.seed, end: s.end, days: s.days, events: s.events, files: s.files, rawBytes: s.rawBytes, gzipBytes: s.gzipBytes, rawBytesPerEvent: s.rawBytesPerEvent, gzipBytesPerEvent: s.gzipBytesPerEvent, elapsedMs: s.elapsedMs, cpuSeconds: s.cpuSeconds, workers: s.workers },
  );
}

if (!isMainThread && parentPort && (workerData as Partial<ShardJob> | null)?.kind === 'generate-shard') {
  const job = workerData as ShardJob;
  const port = parentPort;
  const stats = writeShard(job, (events) => port.postMessage({ type: 'progress', events } satisfies ShardMessage));
  port.postMessage({ type: 'done', stats } satisfies ShardMessage);
} else if (isMain(import.meta.url)) {
  runMain(main);
}
