import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetFile, DatasetStorage } from './dataset-storage.js';

/**
 * A dataset is a directory of zstd Parquet files partitioned by UTC day (`day=YYYY-MM-DD/`).
 * Files written from the journal are named by the journal range they cover, `<from>-<to>.parquet`
 * (zero-padded seqs); a compacted file covers the ranges of the files it merged, so a file whose
 * range lies inside another file's range of the same day is already merged and is ignored (and
 * deleted). That makes writing, compacting and crashing in between safe without a manifest.
 * Files of events that never were in the journal (PutAuditEvents) are `a<time>-<id>.parquet`.
 */

const SEQ_FILE = /^(\d{16})-(\d{16})\.parquet$/;
const AUDIT_FILE = /^a\d+-[\w-]+\.parquet$/;
const DAY_DIR = /^day=(\d{4}-\d{2}-\d{2})$/;

export interface SeqRange {
  from: number;
  to: number;
}

export function seqFileName(range: SeqRange): string {
  return `${String(range.from).padStart(16, '0')}-${String(range.to).padStart(16, '0')}.parquet`;
}

export function parseSeqFileName(name: string): SeqRange | undefined {
  const m = SEQ_FILE.exec(name);
  return m ? { from: Number(m[1]), to: Number(m[2]) } : undefined;
}

export function dayDir(datasetDir: string, day: string): string {
  return join(datasetDir, `day=${day}`);
}

/** The live (not merged away) files of one day directory, and the ones already covered. */
export function liveFilesOfDay(dir: string): { live: string[]; covered: string[]; seqFiles: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { live: [], covered: [], seqFiles: [] };
  }
  const day = classifyDay(names);
  return { live: day.live.map((n) => join(dir, n)), covered: day.covered.map((n) => join(dir, n)), seqFiles: day.seqFiles.map((n) => join(dir, n)) };
}

/** Sorts one day's file names into live ones (journal and audit files) and ones a merged file covers. Pure. */
export function classifyDay(names: readonly string[]): { live: string[]; covered: string[]; seqFiles: string[] } {
  const ranges = names.flatMap((name) => {
    const range = parseSeqFileName(name);
    return range ? [{ name, ...range }] : [];
  });
  const covered = ranges.filter((r) => ranges.some((o) => o !== r && o.from <= r.from && o.to >= r.to && (o.from < r.from || o.to > r.to))).map((r) => r.name);
  const coveredSet = new Set(covered);
  const seqFiles = ranges.filter((r) => !coveredSet.has(r.name)).map((r) => r.name);
  const audit = names.filter((n) => AUDIT_FILE.test(n));
  return { live: [...seqFiles, ...audit].sort(), covered, seqFiles: seqFiles.sort() };
}

/** The live files of a dataset in any storage, oldest day first. */
export async function liveFilesIn(storage: DatasetStorage, dataset: string): Promise<DatasetFile[]> {
  const byDay = new Map<string, DatasetFile[]>();
  for (const file of await storage.list(dataset)) {
    const files = byDay.get(file.day) ?? [];
    files.push(file);
    byDay.set(file.day, files);
  }
  return [...byDay.keys()].sort().flatMap((day) => {
    const files = byDay.get(day)!;
    const live = new Set(classifyDay(files.map((f) => f.name)).live);
    return files.filter((f) => live.has(f.name)).sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** Deletes every file of days older than `oldestDay` (retention by eventTime, as Lake does); returns the days dropped. */
export async function dropDaysBeforeIn(storage: DatasetStorage, dataset: string, oldestDay: string): Promise<number> {
  const old = (await storage.list(dataset)).filter((f) => f.day < oldestDay);
  await storage.remove(dataset, old);
  return new Set(old.map((f) => f.day)).size;
}

/** The day directories of a dataset, oldest first. */
export function daysOf(datasetDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(datasetDir);
  } catch {
    return [];
  }
  return names.flatMap((n) => DAY_DIR.exec(n)?.[1] ?? []).sort();
}

/** Every live Parquet file of a dataset, oldest day first. */
export function liveFiles(datasetDir: string): string[] {
  return daysOf(datasetDir).flatMap((day) => liveFilesOfDay(dayDir(datasetDir, day)).live);
}

/** The highest journal seq any file of the dataset covers (0 when none). */
export function highestCoveredSeq(datasetDir: string): number {
  let max = 0;
  for (const day of daysOf(datasetDir)) {
    for (const name of readdirSync(dayDir(datasetDir, day))) max = Math.max(max, parseSeqFileName(name)?.to ?? 0);
  }
  return max;
}

export function datasetBytes(datasetDir: string): number {
  return liveFiles(datasetDir).reduce((sum, f) => sum + statSync(f).size, 0);
}

/** Drops whole days older than `oldestDay` (retention by eventTime, as Lake does). */
export function dropDaysBefore(datasetDir: string, oldestDay: string): number {
  let dropped = 0;
  for (const day of daysOf(datasetDir)) {
    if (day >= oldestDay) break;
    rmSync(dayDir(datasetDir, day), { recursive: true, force: true });
    dropped++;
  }
  return dropped;
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
