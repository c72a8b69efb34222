import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { dayDir, ensureDir, liveFilesOfDay, seqFileName } from './dataset.js';
import type { SeqRange } from './dataset.js';
import { readJsonColumns } from './schema.js';

/** Rows per Parquet row group: small enough that time filters skip most of a day's file. */
const ROW_GROUP_SIZE = 100_000;
/** A day directory is compacted once it holds this many journal files. */
const COMPACT_AT_FILES = 8;

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes Parquet (zstd) files through an embedded DuckDB of its own: rows are shaped in JS
 * (`toLakeRow`), staged as JSON lines, converted by `read_json` with the Lake column types, sorted
 * by eventTime, written under a temporary name, fsynced and renamed into place.
 */
export class ParquetWriter {
  private connection: Promise<DuckDBConnection> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly threads = 1) {}

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= (async () => {
      // Loaded on first use: DuckDB's native library is large, and a server without Lake work never needs it.
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(':memory:', { threads: String(this.threads), autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
      return instance.connect();
    })();
    return this.connection;
  }

  /** One writer at a time: DuckDB connections are not for concurrent statements. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Writes rows of one day as `name` in the day's directory; returns the file's path. */
  writeDay(datasetDir: string, day: string, name: string, rows: readonly object[]): Promise<string> {
    return this.serial(async () => {
      const dir = dayDir(datasetDir, day);
      ensureDir(dir);
      const staged = join(dir, `.staged-${randomUUID()}.json`);
      const temporary = join(dir, `.tmp-${randomUUID()}.parquet`);
      try {
        writeFileSync(staged, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
        const connection = await this.connect();
        await connection.run(
          `COPY (SELECT * FROM read_json(${quote(staged)}, format='newline_delimited', columns=${readJsonColumns()}, maximum_object_size=16777216) ORDER BY eventTime)` +
            ` TO ${quote(temporary)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
        );
        fsyncPath(temporary);
        const target = join(dir, name);
        renameSync(temporary, target);
        fsyncPath(dir);
        return target;
      } finally {
        rmSync(staged, { force: true });
        rmSync(temporary, { force: true });
      }
    });
  }

  writeJournalRange(datasetDir: string, day: string, range: SeqRange, rows: readonly object[]): Promise<string> {
    return this.writeDay(datasetDir, day, seqFileName(range), rows);
  }

  /**
   * Merges a day's journal files into one once there are enough of them. The merged file is named
   * by the union of their ranges, so it supersedes them even if the process dies before they are deleted.
   */
  compactDay(datasetDir: string, day: string, force = false): Promise<boolean> {
    return this.serial(async () => {
      const dir = dayDir(datasetDir, day);
      const { seqFiles, covered } = liveFilesOfDay(dir);
      for (const file of covered) rmSync(file, { force: true });
      if (seqFiles.length < (force ? 2 : COMPACT_AT_FILES)) return false;
      const ranges = seqFiles.map((f) => /(\d{16})-(\d{16})\.parquet$/.exec(f)).flatMap((m) => (m ? [{ from: Number(m[1]), to: Number(m[2]) }] : []));
      const merged = { from: Math.min(...ranges.map((r) => r.from)), to: Math.max(...ranges.map((r) => r.to)) };
      const temporary = join(dir, `.tmp-${randomUUID()}.parquet`);
      try {
        const connection = await this.connect();
        const list = `[${seqFiles.map(quote).join(', ')}]`;
        await connection.run(
          `COPY (SELECT * FROM read_parquet(${list}) ORDER BY eventTime) TO ${quote(temporary)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
        );
        fsyncPath(temporary);
        renameSync(temporary, join(dir, seqFileName(merged)));
        fsyncPath(dir);
      } finally {
        rmSync(temporary, { force: true });
      }
      for (const file of seqFiles) rmSync(file, { force: true });
      return true;
    });
  }

  close(): void {
    void this.connection?.then((c) => c.closeSync()).catch(() => undefined);
    this.connection = undefined;
  }
}
