import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { cloudtrailModel } from '../api/index.js';
import { S3Buckets } from '../buckets/index.js';
import { readArchive, readObjectBody } from '../import/index.js';
import { athenaJsonColumns, SandboxedQuery, toAthenaRow, translateQuery, liveFiles } from '../lake/index.js';
import type { QueryOutput, SandboxTable } from '../lake/index.js';
import { DEFAULTS, openLake, openObjectDecryptor, openStore } from '../main.js';
import type { EventDataStoreDoc } from '../services/index.js';
import { EVENT_HISTORY_TABLE } from '../services/index.js';
import { JsonApiClient } from './api-client.js';
import { clientConfig } from './lookup.js';

export interface QueryFlags {
  dataDir: string;
  endpointUrl?: string;
  region?: string;
  accountId: string;
  output: string;
  archive?: string[];
  /** S3 API endpoint for `--archive s3://bucket/prefix` (credentials from the environment). */
  s3Endpoint?: string;
  /** KMS API endpoint, to read log files envelope-encrypted in local buckets. */
  kmsEndpoint?: string;
}

const TARGET = cloudtrailModel.metadata.targetPrefix;

/**
 * `cairn query "SQL"`: CloudTrail Lake SQL against a running server (`--endpoint-url`: StartQuery,
 * then GetQueryResults), the data directory directly (its stores and `event_history`), or raw trail
 * archives with Athena's CloudTrail column names (`--archive`). Prints the rows and the timing.
 */
export async function queryCommand(sql: string, flags: QueryFlags): Promise<void> {
  const started = performance.now();
  const output = flags.archive ? await queryArchive(sql, flags.archive, flags) : flags.endpointUrl ? await queryServer(sql, flags) : await queryDataDir(sql, flags);
  const ms = performance.now() - started;
  process.stdout.write(render(output, flags.output));
  process.stderr.write(`(${output.rows.length} rows in ${ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`})\n`);
}

async function queryServer(sql: string, flags: QueryFlags): Promise<QueryOutput> {
  const client = new JsonApiClient(clientConfig({ dataDir: flags.dataDir, endpointUrl: flags.endpointUrl!, region: flags.region }));
  const call = (op: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => client.call(`${TARGET}.${op}`, input);
  const { QueryId } = (await call('StartQuery', { QueryStatement: sql })) as { QueryId: string };
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    const d = (await call('DescribeQuery', { QueryId })) as { QueryStatus: string; ErrorMessage?: string };
    if (d.QueryStatus === 'FINISHED') break;
    if (d.QueryStatus !== 'QUEUED' && d.QueryStatus !== 'RUNNING') throw new Error(`query ${d.QueryStatus}: ${d.ErrorMessage ?? ''}`);
    await new Promise((r) => setTimeout(r, wait));
  }
  const out: QueryOutput = { columns: [], rows: [], eventsScanned: 0 };
  let token: string | undefined;
  do {
    const page = (await call('GetQueryResults', { QueryId, MaxQueryResults: 1000, ...(token ? { NextToken: token } : {}) })) as {
      QueryResultRows?: Record<string, string>[][];
      NextToken?: string;
    };
    for (const row of page.QueryResultRows ?? []) {
      if (out.columns.length === 0) out.columns = row.map((cell) => Object.keys(cell)[0] ?? '');
      out.rows.push(row.map((cell) => Object.values(cell)[0] ?? ''));
    }
    token = page.NextToken;
  } while (token);
  return out;
}

async function queryDataDir(sql: string, flags: QueryFlags): Promise<QueryOutput> {
  const store = openStore(flags);
  const lake = openLake(store, flags, pino({ level: 'silent' }));
  try {
    // Bring the Parquet files up to the journal first (what the server's ingestion would do).
    while ((await lake.ingest.runOnce()) > 0);
    const region = flags.region ?? DEFAULTS.region;
    const stores = (await store.lake.list<EventDataStoreDoc>('eventDataStore', flags.accountId)).filter((s) => s.region === region);
    const tables = new Map<string, SandboxTable>(stores.map((s) => [s.id.toLowerCase(), { view: `store_${s.id}`, dir: lake.paths.store(s.id), files: [] }]));
    tables.set(EVENT_HISTORY_TABLE, { view: 'event_history', dir: lake.paths.history(flags.accountId), files: [] });
    const translated = translateQuery(sql, new Map([...tables].map(([name, t]) => [name, t.view])));
    const used = translated.tables.map((name) => ({ ...tables.get(name)!, files: liveFiles(tables.get(name)!.dir) }));
    return await new SandboxedQuery(translated.sql, used, { memoryLimit: DEFAULTS.lake.memoryLimit, threads: 2 }).run();
  } finally {
    lake.writer.close();
    await store.close();
  }
}

const S3_ARCHIVE = /^s3:\/\/([^/]+)\/?(.*)$/;
/** Objects of an S3 archive read as records; digests and anything else are not. */
const S3_LOG_KEY = /\.json(\.gz)?$/;

/**
 * The record texts of trail archives: local files and directories (log files envelope-encrypted in a
 * Cairn local bucket are decrypted with the KMS at `--kms-endpoint`), and `s3://bucket/prefix` read
 * object by object from the S3 endpoint (SSE-KMS objects come back decrypted from S3 itself).
 */
async function* archiveRecords(paths: readonly string[], flags: Pick<QueryFlags, 'region' | 's3Endpoint' | 'kmsEndpoint'>): AsyncGenerator<string> {
  const region = flags.region ?? DEFAULTS.region;
  const local = paths.filter((p) => !S3_ARCHIVE.test(p));
  if (local.length > 0) {
    const decryptor = openObjectDecryptor({ region, ...(flags.kmsEndpoint ? { kmsEndpoint: flags.kmsEndpoint } : {}) });
    for await (const batch of readArchive(local, { decrypt: (path) => decryptor.read(path) })) {
      if (batch.done?.status === 'failed') process.stderr.write(`skipped ${batch.done.file}: ${batch.done.reason ?? 'unreadable'}\n`);
      for (const entry of batch.entries) yield entry.raw;
    }
  }
  const remote = paths.filter((p) => S3_ARCHIVE.test(p));
  if (remote.length === 0) return;
  const s3 = new S3Buckets({ endpoint: flags.s3Endpoint ?? `https://s3.${region}.amazonaws.com`, region });
  for (const uri of remote) {
    const [, bucket, prefix] = S3_ARCHIVE.exec(uri)!;
    for (const key of await s3.listKeys(bucket!, prefix ?? '')) {
      if (!S3_LOG_KEY.test(key) || key.split('/').includes('CloudTrail-Digest')) continue;
      const object = await s3.getObject(bucket!, key);
      if (!object) continue;
      for await (const batch of readObjectBody(key, object.body)) {
        if (batch.done?.status === 'failed') process.stderr.write(`skipped s3://${bucket}/${key}: ${batch.done.reason ?? 'unreadable'}\n`);
        for (const entry of batch.entries) yield entry.raw;
      }
    }
  }
}

/** Raw trail files as Athena's `cloudtrail_logs` table (any table name starting with cloudtrail_logs). */
async function queryArchive(sql: string, paths: readonly string[], flags: Pick<QueryFlags, 'region' | 's3Endpoint' | 'kmsEndpoint'>): Promise<QueryOutput> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-archive-'));
  try {
    const file = join(dir, 'records.json');
    const lines: string[] = [];
    for await (const raw of archiveRecords(paths, flags)) lines.push(JSON.stringify(toAthenaRow(JSON.parse(raw) as Record<string, unknown>)));
    writeFileSync(file, lines.join('\n') + '\n');
    const names = [...sql.matchAll(/\b(?:from|join)\s+"?([A-Za-z_]\w*)"?/gi)].map((m) => m[1]!.toLowerCase()).filter((n) => n.startsWith('cloudtrail_logs'));
    const translated = translateQuery(sql, new Map(names.map((n) => [n, 'cloudtrail_logs'])));
    const table: SandboxTable = { view: 'cloudtrail_logs', dir, files: lines.length > 0 ? [file] : [], jsonColumns: athenaJsonColumns() };
    return await new SandboxedQuery(translated.sql, [table], { memoryLimit: DEFAULTS.lake.memoryLimit, threads: 2 }).run();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function render(output: QueryOutput, format: string): string {
  if (format === 'json') return JSON.stringify(output.rows.map((row) => Object.fromEntries(row.map((v, i) => [output.columns[i] ?? String(i), v]))), null, 2) + '\n';
  if (format === 'csv') return [output.columns, ...output.rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
  const widths = output.columns.map((c, i) => Math.min(80, Math.max(c.length, ...output.rows.map((r) => (r[i] ?? '').length))));
  const fit = (text: string, width: number): string => (text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width));
  const line = (cells: string[]): string => cells.map((c, i) => fit(c, widths[i] ?? 0)).join('  ').trimEnd();
  return [line(output.columns), line(widths.map((w) => '-'.repeat(w))), ...output.rows.map(line), ''].join('\n');
}
