import type { DuckDBConnection } from '@duckdb/node-api';
import { columnsDdl } from './schema.js';
import { LAKE_MACROS } from './sql-dialect.js';

/** A view the sandbox creates: a table name the query may use, over these Parquet files only. */
export interface SandboxTable {
  view: string;
  /** Directory holding the files: the only one the sandbox may read. */
  dir: string;
  files: readonly string[];
  /** The files are JSON lines with these DuckDB columns (a `columns={...}` struct), not Parquet. */
  jsonColumns?: string;
}

export interface SandboxLimits {
  memoryLimit: string;
  threads: number;
}

export interface QueryOutput {
  columns: string[];
  rows: string[][];
  /** Events in the files the views read (from the Parquet footers). */
  eventsScanned: number;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Lake answers every value as a string; nested values as JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * One query in a DuckDB of its own: views over the caller's files are created, then external access
 * is turned off (only the views' directories stay readable), extension loading is off, memory is
 * capped and the configuration locked, all before the caller's SQL runs. `cancel()` interrupts it.
 */
export class SandboxedQuery {
  private connection: DuckDBConnection | undefined;
  private cancelled = false;

  constructor(
    private readonly sql: string,
    private readonly tables: readonly SandboxTable[],
    private readonly limits: SandboxLimits,
  ) {}

  async run(): Promise<QueryOutput> {
    // Loaded on first use: DuckDB's native library is large, and a server without Lake work never needs it.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(this.limits.threads),
      memory_limit: this.limits.memoryLimit,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    try {
      const connection = await instance.connect();
      this.connection = connection;
      try {
        const dirs = this.tables.filter((t) => t.files.length > 0).map((t) => quote(t.dir.endsWith('/') ? t.dir : `${t.dir}/`));
        if (dirs.length > 0) await connection.run(`SET allowed_directories = [${dirs.join(', ')}]`);
        // No spilling to disk: a query lives within its memory limit.
        await connection.run("SET temp_directory = ''");
        await connection.run('SET enable_external_access = false');
        for (const macro of LAKE_MACROS) await connection.run(macro);
        for (const table of this.tables) {
          if (table.files.length === 0) await connection.run(`CREATE TABLE "${table.view}" (${columnsDdl()})`);
          else if (table.jsonColumns) {
            await connection.run(`CREATE VIEW "${table.view}" AS SELECT * FROM read_json([${table.files.map(quote).join(', ')}], format = 'newline_delimited', columns = ${table.jsonColumns}, maximum_object_size = 16777216)`);
          } else await connection.run(`CREATE VIEW "${table.view}" AS SELECT * FROM read_parquet([${table.files.map(quote).join(', ')}], hive_partitioning = false)`);
        }
        await connection.run('SET lock_configuration = true');
        if (this.cancelled) throw new Error('INTERRUPT: the query was cancelled');
        const reader = await connection.runAndReadAll(this.sql);
        let eventsScanned = 0;
        for (const table of this.tables) {
          if (table.files.length === 0) continue;
          const counted = await connection.runAndReadAll(`SELECT count(*) FROM "${table.view}"`);
          eventsScanned += Number(counted.getRowsJson()[0]?.[0] ?? 0);
        }
        return { columns: reader.columnNames(), rows: reader.getRowsJson().map((row) => row.map(cell)), eventsScanned };
      } finally {
        this.connection = undefined;
        connection.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.connection?.interrupt();
  }
}
