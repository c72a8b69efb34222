import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { classifyDay, parseSeqFileName, seqFileName } from './dataset.js';
import type { SeqRange } from './dataset.js';
import { LocalDatasetStorage } from './dataset-storage.js';
import type { DatasetStorage } from './dataset-storage.js';
import { readJsonColumns } from './schema.js';

/** Rows per Parquet row group: small enough that time filters skip most of a day's file. */
const ROW_GROUP_SIZE = 100_000;
/** A day directory is compacted once it holds this many journal files. */
const COMPACT_AT_FILES = 8;

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Writes Parquet (zstd) files through an embedded DuckDB of its own: rows are shaped in JS
 * (`toLakeRow`), staged as JSON lines, converted by `read_json` with the Lake column types, sorted
 * by eventTime, written to a local temporary file and handed to the storage (renamed into place on
 * disk, uploaded to S3).
 */
export class ParquetWriter {
  private connection: Promise<DuckDBConnection> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly threads = 1,
    /** Where datasets live; the Lake engine and ingestion read it from here. */
    readonly storage: DatasetStorage = new LocalDatasetStorage(),
  ) {}

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

  /** Writes rows of one day as `name` in the dataset's day partition. */
  writeDay(dataset: string, day: string, name: string, rows: readonly object[]): Promise<void> {
    return this.serial(async () => {
      const dir = this.storage.scratchDir(dataset, day);
      const staged = join(dir, `.staged-${randomUUID()}.json`);
      const temporary = join(dir, `.tmp-${randomUUID()}.parquet`);
      try {
        writeFileSync(staged, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
        const connection = await this.connect();
        await connection.run(
          `COPY (SELECT * FROM read_json(${quote(staged)}, format='newline_delimited', columns=${readJsonColumns()}, maximum_object_size=16777216) ORDER BY eventTime)` +
            ` TO ${quote(temporary)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
        );
        await this.storage.put(dataset, day, name, temporary);
      } finally {
        rmSync(staged, { force: true });
        rmSync(temporary, { force: true });
      }
    });
  }

  writeJournalRange(dataset: string, day: string, range: SeqRange, rows: readonly object[]): Promise<void> {
    return this.writeDay(dataset, day, seqFileName(range), rows);
  }

  /**
   * Merges a day's journal files into one once there are enough of them. The merged file is named
   * by the union of their ranges, so it supersedes them even if the process dies before they are
   * deleted. (That name was never used before: a name covering several files' ranges is only ever
   * made here, from the same events, so files stay immutable.)
   */
  compactDay(dataset: string, day: string, force = false): Promise<boolean> {
    return this.serial(async () => {
      const { seqFiles, covered } = classifyDay((await this.storage.list(dataset, day)).map((f) => f.name));
      if (covered.length > 0) await this.storage.remove(dataset, covered.map((name) => ({ day, name })));
      if (seqFiles.length < (force ? 2 : COMPACT_AT_FILES)) return false;
      const ranges = seqFiles.flatMap((name) => parseSeqFileName(name) ?? []);
      const merged = { from: Math.min(...ranges.map((r) => r.from)), to: Math.max(...ranges.map((r) => r.to)) };
      const inputs = await this.storage.open(dataset, seqFiles.map((name) => ({ day, name })));
      const temporary = join(this.storage.scratchDir(dataset, day), `.tmp-${randomUUID()}.parquet`);
      try {
        const connection = await this.connect();
        const list = `[${inputs.paths.map(quote).join(', ')}]`;
        await connection.run(
          `COPY (SELECT * FROM read_parquet(${list}) ORDER BY eventTime) TO ${quote(temporary)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
        );
        await this.storage.put(dataset, day, seqFileName(merged), temporary);
      } finally {
        inputs.release();
        rmSync(temporary, { force: true });
      }
      await this.storage.remove(dataset, seqFiles.map((name) => ({ day, name })));
      return true;
    });
  }

  close(): void {
    void this.connection?.then((c) => c.closeSync()).catch(() => undefined);
    this.connection = undefined;
  }
}
