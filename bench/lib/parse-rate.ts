/**
 * The machine's own limit for reading a trail archive: read + gunzip + JSON.parse of every
 * `.json.gz` under a directory, file by file (one file in memory at a time), nothing else.
 * An importer cannot beat this on the same machine; its figure is reported as a ratio of it.
 *
 *   const r = await measureParseRate({ dir: 'bench/out/data' });            // 1 thread
 *   const r2 = await measureParseRate({ dir: 'bench/out/data', workers: 2 }); // all cores
 *
 * CLI: node --import tsx bench/lib/parse-rate.ts [--dir bench/out/data] [--workers 1] [--max-files N]
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { isMain, parseNumber, runMain } from './args.js';
import { BENCH_OUT, formatBytes, writeReport } from './report.js';
import { startTsWorker } from './workers.js';

export interface ParseRateOptions {
  dir: string;
  /** Worker threads (default 1: the single-core rate). */
  workers?: number;
  /** Only the first N files (sorted by path). */
  maxFiles?: number;
}

export interface ParseTotals {
  files: number;
  events: number;
  gzipBytes: number;
  rawBytes: number;
  /** Time in each step, summed over workers (CPU-ish seconds). */
  readSeconds: number;
  gunzipSeconds: number;
  parseSeconds: number;
}

export interface ParseRateResult extends ParseTotals {
  dir: string;
  workers: number;
  /** Wall-clock time of the whole pass. */
  wallSeconds: number;
  eventsPerSecond: number;
  /** Uncompressed JSON per wall second. */
  rawMBps: number;
  gzipMBps: number;
  /** CPU time of the pass (all threads, user + system), from process.cpuUsage. */
  cpuSeconds: number;
  /**
   * Events per CPU-second (read + gunzip + parse): what one core does when it is not shared —
   * the figure to compare on a busy machine.
   */
  eventsPerCpuSecond: number;
}

/** Every `*.json.gz` under dir, sorted (AWS layout sorts by account, region, date). */
export async function listTrailFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function parseFiles(files: readonly string[]): ParseTotals {
  const t: ParseTotals = { files: 0, events: 0, gzipBytes: 0, rawBytes: 0, readSeconds: 0, gunzipSeconds: 0, parseSeconds: 0 };
  for (const file of files) {
    const a = performance.now();
    const gz = readFileSync(file);
    const b = performance.now();
    const raw = gunzipSync(gz);
    const c = performance.now();
    const doc = JSON.parse(raw.toString('utf8')) as { Records?: unknown[] };
    const d = performance.now();
    t.files++;
    t.events += doc.Records?.length ?? 0;
    t.gzipBytes += gz.length;
    t.rawBytes += raw.length;
    t.readSeconds += (b - a) / 1000;
    t.gunzipSeconds += (c - b) / 1000;
    t.parseSeconds += (d - c) / 1000;
  }
  return t;
}

interface ParseJob {
  kind: 'parse-rate';
  files: string[];
}

export async function measureParseRate(options: ParseRateOptions): Promise<ParseRateResult> {
  let files = await listTrailFiles(options.dir);
  if (files.length === 0) throw new Error(`no .json.gz files under ${options.dir} (generate some: node --import tsx bench/generate.ts)`);
  if (options.maxFiles !== undefined) files = files.slice(0, options.maxFiles);
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let totals: ParseTotals;
  if (workers === 1) {
    totals = parseFiles(files);
  } else {
    const parts = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        new Promise<ParseTotals>((resolve, reject) => {
          const worker = startTsWorker(import.meta.url, { kind: 'parse-rate', files: files.filter((_, i) => i % workers === w) } satisfies ParseJob);
          worker.once('message', (m: ParseTotals) => resolve(m));
          worker.once('error', reject);
        }),
      ),
    );
    totals = parts.reduce((a, b) => ({
      files: a.files + b.files,
      events: a.events + b.events,
      gzipBytes: a.gzipBytes + b.gzipBytes,
      rawBytes: a.rawBytes + b.rawBytes,
      readSeconds: a.readSeconds + b.readSeconds,
      gunzipSeconds: a.gunzipSeconds + b.gunzipSeconds,
      parseSeconds: a.parseSeconds + b.parseSeconds,
    }));
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    ...totals,
    dir: options.dir,
    workers,
    wallSeconds: wall,
    eventsPerSecond: totals.events / wall,
    rawMBps: totals.rawBytes / 1e6 / wall,
    gzipMBps: totals.gzipBytes / 1e6 / wall,
    cpuSeconds,
    eventsPerCpuSecond: totals.events / cpuSeconds,
  };
}

/** Report section for a parse-rate result. */
export function parseRateFigures(r: ParseRateResult): { name: string; value: number | string; unit?: string; note?: string }[] {
  return [
    { name: 'files', value: r.files },
    { name: 'events', value: r.events },
    { name: 'gzip / raw', value: `${formatBytes(r.gzipBytes)} / ${formatBytes(r.rawBytes)}` },
    { name: 'wall time', value: r.wallSeconds, unit: 's', note: `${r.workers} thread(s)` },
    { name: 'events/s', value: Math.round(r.eventsPerSecond), unit: 'events/s', note: 'read + gunzip + JSON.parse, wall clock' },
    { name: 'raw JSON rate', value: r.rawMBps, unit: 'MB/s' },
    { name: 'gzip input rate', value: r.gzipMBps, unit: 'MB/s' },
    { name: 'CPU time', value: r.cpuSeconds, unit: 's', note: 'all threads' },
    { name: 'events per CPU-second', value: Math.round(r.eventsPerCpuSecond), unit: 'events/s', note: 'one unshared core; robust to a busy machine' },
    { name: 'time split', value: `read ${r.readSeconds.toFixed(2)} s, gunzip ${r.gunzipSeconds.toFixed(2)} s, JSON.parse ${r.parseSeconds.toFixed(2)} s` },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string', default: path.join(BENCH_OUT, 'data') }, workers: { type: 'string' }, 'max-files': { type: 'string' } } });
  const r = await measureParseRate({
    dir: values.dir,
    workers: parseNumber(values.workers, 1, '--workers'),
    maxFiles: values['max-files'] === undefined ? undefined : parseNumber(values['max-files'], 0, '--max-files'),
  });
  await writeReport('parse-rate', [{ title: `gunzip + JSON.parse of ${path.relative(process.cwd(), r.dir) || r.dir}`, figures: parseRateFigures(r) }], r);
}

if (!isMainThread && parentPort && (workerData as Partial<ParseJob> | null)?.kind === 'parse-rate') {
  parentPort.postMessage(parseFiles((workerData as ParseJob).files));
} else if (isMain(import.meta.url)) {
  runMain(main);
}
