/**
 * The Lake on local disk against the Lake in S3 (a moto_server on loopback): the same synthetic
 * events written both ways, then one aggregation query as the engine runs it (list the live
 * files, open them, DuckDB in the sandbox) — local, S3 with a cold cache (every file downloaded),
 * S3 with a warm cache (files already local; only the listing goes to S3).
 *
 *   node --import tsx bench/lake-s3.ts --events 500000 [--runs 5]
 *
 * Writes bench/out/results-lake-s3.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { DatasetStorage } from '../src/lake/index.js';
import { dayOf, liveFilesIn, LocalDatasetStorage, ParquetWriter, S3DatasetStorage, SandboxedQuery, toLakeRow } from '../src/lake/index.js';
import { MotoServer } from '../test/support/moto.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '500000' }, runs: { type: 'string', default: '5' } } });
const events = Number(values.events);
const runs = Number(values.runs);
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const SQL = 'SELECT "eventSource", count(*) AS n FROM "t" GROUP BY 1 ORDER BY 2 DESC';
const dir = mkdtempSync(path.join(tmpdir(), 'cairn-bench-lake-s3-'));
const moto = await MotoServer.start();

function p50(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** What LakeEngine does per query: list live files, open (download if need be), run in the sandbox. */
async function query(storage: DatasetStorage, dataset: string): Promise<number> {
  const started = performance.now();
  const files = await storage.open(dataset, await liveFilesIn(storage, dataset));
  try {
    const out = await new SandboxedQuery(SQL, [{ view: 't', dir: files.dir, files: files.paths }], { memoryLimit: '1GB', threads: 2 }).run();
    if (out.rows.reduce((s, r) => s + Number(r[1]), 0) !== events) throw new Error('wrong count');
  } finally {
    files.release();
  }
  return performance.now() - started;
}

try {
  const s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
  const s3Options = { bucket: 'bench', prefix: 'lake', region: 'us-east-1', endpoint: moto.url, credentials: CREDENTIALS, cacheBytes: 4 * 1024 ** 3 };
  const local = new LocalDatasetStorage();
  const localDataset = path.join(dir, 'lake', 'stores', 'bench');
  const remote = new S3DatasetStorage({ ...s3Options, cacheDir: path.join(dir, 'cache-writer') });
  const sources = ['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', 'sts.amazonaws.com', 'kms.amazonaws.com'];
  const start = Date.UTC(2025, 0, 1);
  const byDay = new Map<string, object[]>();
  for (let i = 0; i < events; i++) {
    const time = start + Math.floor((i / events) * 7 * 86_400_000);
    const record = { eventVersion: '1.08', eventTime: new Date(time).toISOString(), eventSource: sources[i % sources.length], eventName: `Op${i % 40}`, awsRegion: 'us-east-1', eventID: `e-${i}`, userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/u${i % 50}` }, requestParameters: { bucketName: `b${i % 20}` }, recipientAccountId: '123456789012', eventCategory: 'Management' };
    const day = dayOf(time);
    const rows = byDay.get(day) ?? [];
    rows.push(toLakeRow(record, time));
    byDay.set(day, rows);
  }
  let seq = 0;
  const writeTimes: Record<string, number> = {};
  for (const [name, storage] of [['local', local], ['s3', remote]] as const) {
    const writer = new ParquetWriter(2, storage);
    const t = performance.now();
    seq = 0;
    for (const [day, rows] of byDay) {
      await writer.writeJournalRange(name === 'local' ? localDataset : 'lake/stores/bench', day, { from: seq + 1, to: seq + rows.length }, rows);
      seq += rows.length;
    }
    writeTimes[name] = Math.round(performance.now() - t);
    writer.close();
  }
  const localRuns: number[] = [];
  const coldRuns: number[] = [];
  const warmRuns: number[] = [];
  for (let i = 0; i < runs; i++) {
    localRuns.push(await query(local, localDataset));
    // A node that never read the store: an empty cache.
    const cold = new S3DatasetStorage({ ...s3Options, cacheDir: path.join(dir, `cache-cold-${i}`) });
    coldRuns.push(await query(cold, 'lake/stores/bench'));
    warmRuns.push(await query(cold, 'lake/stores/bench'));
  }
  const result = {
    events,
    runs,
    writeMs: writeTimes,
    queryP50Ms: { local: Math.round(p50(localRuns)), s3Cold: Math.round(p50(coldRuns)), s3Warm: Math.round(p50(warmRuns)) },
    queryRunsMs: { local: localRuns.map(Math.round), s3Cold: coldRuns.map(Math.round), s3Warm: warmRuns.map(Math.round) },
  };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/results-lake-s3.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
} finally {
  await moto.stop();
  rmSync(dir, { recursive: true, force: true });
}
