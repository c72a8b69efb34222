/**
 * The Lake with its datasets in S3 (a real moto_server): ingestion writes the layout `cairn
 * athena-ddl --event-data-store` prints (object keys under its LOCATION, one `day=` partition per
 * UTC day of eventTime), queries read through a bounded local cache (also from a second, cold
 * cache, as another node would), compaction, retention and DeleteEventDataStore remove objects.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import { LakeEngine, LakeIngestWorker, LakePaths, ParquetWriter, S3DatasetStorage, SandboxedQuery } from '../../src/lake/index.js';
import { toJournalEntry } from '../../src/records/index.js';
import type { EventDataStoreDoc, QueryDoc } from '../../src/services/index.js';
import type { CairnStore } from '../../src/store/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CLI } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';

const logger = pino({ level: 'silent' });
const ACCOUNT = '123456789012';
const BUCKET = 'cairn-lake';
const PREFIX = 'team/lake';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const CACHE_BYTES = 24 * 1024;
const DAY_MS = 86_400_000;
const KEY = /^team\/lake\/stores\/([0-9a-f-]{36})\/day=(\d{4}-\d{2}-\d{2})\/(\d{16})-(\d{16})\.parquet$/;
const missing = requireProgram('moto_server', ['--help']);

void describe('event data stores in S3', { skip: missing }, () => {
  let moto: MotoServer;
  let s3: S3Client;
  let dir: string;
  let store: CairnStore;
  let storage: S3DatasetStorage;
  let writer: ParquetWriter;
  const paths = new LakePaths(PREFIX);
  const storeId = randomUUID();
  /** Midday of the day 10 days ago (older than the store's 7-day retention) and of yesterday. */
  const oldTime = Math.floor(Date.now() / DAY_MS - 10) * DAY_MS + DAY_MS / 2;
  const recentTime = Math.floor(Date.now() / DAY_MS - 1) * DAY_MS + DAY_MS / 2;
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  const eventIds: string[] = [];

  async function append(n: number, time: number): Promise<void> {
    const entries = [];
    for (let i = 0; i < n; i++) {
      const eventID = randomUUID();
      eventIds.push(eventID);
      const record = {
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/u${i % 3}`, accountId: ACCOUNT, userName: `u${i % 3}` },
        eventTime: new Date(time + i * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
        eventSource: i % 2 ? 's3.amazonaws.com' : 'iam.amazonaws.com',
        eventName: 'ListBuckets',
        awsRegion: 'us-east-1',
        eventID,
        readOnly: true,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: ACCOUNT,
        eventCategory: 'Management',
      };
      const raw = JSON.stringify(record);
      entries.push(toJournalEntry(raw, JSON.parse(raw) as Parameters<typeof toJournalEntry>[1]));
    }
    await store.events.append(entries);
  }

  async function keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) out.push(o.Key!);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  function engineOver(writerOf: ParquetWriter): LakeEngine {
    return new LakeEngine({ state: store.lake, paths, writer: writerOf, logger, queryTimeoutMs: 60_000, memoryLimit: '256MB', threads: 1, maxRunning: 2 });
  }

  /** Runs a query through the engine (as StartQuery does) and returns its rows. */
  async function query(engine: LakeEngine, statement: string, table: string): Promise<string[][]> {
    const doc: QueryDoc = {
      id: randomUUID(), accountId: ACCOUNT, region: 'us-east-1', status: 'QUEUED', storeIds: [], createdAt: Date.now(),
      statement, eventsMatched: 0, eventsScanned: 0, bytesScanned: 0, executionTimeInMillis: 0,
    };
    await store.lake.put('query', doc.id, ACCOUNT, doc);
    const ref = table === 'event_history' ? { kind: 'history' as const, accountId: ACCOUNT } : { kind: 'store' as const, storeId };
    engine.submit(doc, new Map([[table, ref]]));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = await store.lake.get<QueryDoc>('query', doc.id);
      if (now?.status === 'FINISHED') break;
      assert.ok(now?.status === 'QUEUED' || now?.status === 'RUNNING', `query ended ${now?.status}: ${now?.errorMessage ?? ''}`);
      assert.ok(Date.now() < deadline, 'query finishes');
      await new Promise((r) => setTimeout(r, 50));
    }
    return (await store.lake.readResults(doc.id, 0, 10_000))!.rows;
  }

  before(async () => {
    moto = await MotoServer.start();
    s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    dir = mkdtempSync(join(tmpdir(), 'cairn-lake-s3-'));
    store = openSqliteStore({ dataDir: dir });
    storage = new S3DatasetStorage({ bucket: BUCKET, prefix: PREFIX, region: 'us-east-1', endpoint: moto.url, credentials: CREDENTIALS, cacheDir: join(dir, 'cache'), cacheBytes: CACHE_BYTES });
    writer = new ParquetWriter(1, storage);
    const doc: EventDataStoreDoc = {
      id: storeId, arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:eventdatastore/${storeId}`, accountId: ACCOUNT, region: 'us-east-1', name: 's3-store', status: 'ENABLED',
      advancedEventSelectors: [{ Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
      multiRegionEnabled: true, organizationEnabled: false, retentionPeriod: 7, terminationProtectionEnabled: false, billingMode: 'EXTENDABLE_RETENTION_PRICING',
      tags: [], createdAt: Date.now(), updatedAt: Date.now(), audit: false, startSeq: 0,
    };
    await store.lake.put('eventDataStore', storeId, ACCOUNT, doc);
    await append(30, oldTime);
    await append(40, recentTime);
  });

  after(async () => {
    writer?.close();
    await store?.close();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  void it('ingests into the layout athena-ddl prints: objects under its LOCATION, one day= partition per UTC day', async () => {
    // A clock inside the retention period of the old day: nothing is dropped yet.
    const worker = new LakeIngestWorker({ events: store.events, state: store.lake, paths, writer, logger, intervalMs: 1000, batchEvents: 9, now: () => oldTime + DAY_MS });
    assert.equal(await worker.runOnce(), 70);
    const storeKeys = await keys(`${PREFIX}/stores/${storeId}/`);
    assert.ok(storeKeys.length >= 2, `several files: ${storeKeys.join(' ')}`);
    for (const key of storeKeys) assert.match(key, KEY);
    assert.deepEqual([...new Set(storeKeys.map((k) => KEY.exec(k)![2]))].sort(), [day(oldTime), day(recentTime)]);
    const historyKeys = await keys(`${PREFIX}/history/`);
    assert.ok(historyKeys.length > 0 && historyKeys.every((k) => k.startsWith(`${PREFIX}/history/account=${ACCOUNT}/day=`)), historyKeys.join(' '));

    const ddl = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [CLI, 'athena-ddl', '--event-data-store', storeId, '--lake-s3', `s3://${BUCKET}/${PREFIX}`, '--table-name', 'cairn_store', '--start-date', '2024/01/01'], (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout))),
    );
    const location = /LOCATION 's3:\/\/([^/]+)\/([^']*)'/.exec(ddl);
    assert.ok(location, ddl);
    assert.equal(location[1], BUCKET);
    assert.match(ddl, /STORED AS PARQUET/);
    assert.match(ddl, /PARTITIONED BY \(`day` string\)/);
    const template: string = /'storage\.location\.template'='s3:\/\/[^/]+\/([^']*)'/.exec(ddl)?.[1] ?? '';
    assert.ok(template.includes('${day}'), ddl);
    for (const key of storeKeys) {
      assert.ok(key.startsWith(location[2]!), `${key} under ${location[2]!}`);
      // The partition the projection derives for the key's day is the key's directory.
      const partition: string = template.replace('${day}', KEY.exec(key)![2]!);
      assert.equal(key.slice(0, key.lastIndexOf('/') + 1), partition);
    }

    // Every object's rows belong to its day partition (read from S3 with the SDK, not through Cairn).
    const local = join(dir, 'check');
    mkdirSync(local, { recursive: true });
    const files: string[] = [];
    for (const key of storeKeys) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();
      const file = join(local, `${files.length}.parquet`);
      writeFileSync(file, body);
      files.push(file);
    }
    const days = await new SandboxedQuery('SELECT strftime("eventTime", \'%Y-%m-%d\') AS d, count(*) FROM "t" GROUP BY d ORDER BY d', [{ view: 't', dir: local, files }], { memoryLimit: '256MB', threads: 1 }).run();
    assert.deepEqual(days.rows, [[day(oldTime), '30'], [day(recentTime), '40']]);
  });

  void it('answers queries from S3 through a bounded cache, on this node and on a cold one', async () => {
    const rows = await query(engineOver(writer), 'SELECT count(*), count(DISTINCT eventID) FROM event_history', 'event_history');
    assert.deepEqual(rows, [['70', '70']]);
    assert.ok(storage.cachedBytes <= CACHE_BYTES, `cache ${storage.cachedBytes} within ${CACHE_BYTES}`);
    // Another node: its own empty cache, the same bucket.
    const coldDir = join(dir, 'cold-cache');
    const cold = new S3DatasetStorage({ bucket: BUCKET, prefix: PREFIX, region: 'us-east-1', endpoint: moto.url, credentials: CREDENTIALS, cacheDir: coldDir, cacheBytes: CACHE_BYTES });
    const coldWriter = new ParquetWriter(1, cold);
    try {
      const byDay = await query(engineOver(coldWriter), `SELECT eventSource, count(*) FROM ${storeId} GROUP BY eventSource ORDER BY eventSource`, storeId);
      assert.deepEqual(byDay, [['iam.amazonaws.com', '35'], ['s3.amazonaws.com', '35']]);
      assert.ok(cold.cachedBytes > 0 && cold.cachedBytes <= CACHE_BYTES, `cold cache ${cold.cachedBytes}`);
    } finally {
      coldWriter.close();
    }
  });

  void it('compaction merges the small files in S3 and deletes them', async () => {
    const worker = new LakeIngestWorker({ events: store.events, state: store.lake, paths, writer, logger, intervalMs: 1000, now: () => oldTime + DAY_MS });
    const before = await keys(`${PREFIX}/stores/${storeId}/day=${day(recentTime)}/`);
    assert.ok(before.length > 1, 'several files before');
    await worker.compactAll([paths.store(storeId), paths.history(ACCOUNT)]);
    const afterKeys = await keys(`${PREFIX}/stores/${storeId}/day=${day(recentTime)}/`);
    assert.equal(afterKeys.length, 1);
    const merged = KEY.exec(afterKeys[0]!)!;
    assert.equal(Number(merged[3]), Math.min(...before.map((k) => Number(KEY.exec(k)![3]))));
    assert.equal(Number(merged[4]), Math.max(...before.map((k) => Number(KEY.exec(k)![4]))));
    assert.deepEqual(await query(engineOver(writer), `SELECT count(*), count(DISTINCT eventID) FROM ${storeId}`, storeId), [['70', '70']]);
  });

  void it("retention deletes the objects of days older than the store's retention period", async () => {
    await append(5, recentTime + 3_600_000);
    const worker = new LakeIngestWorker({ events: store.events, state: store.lake, paths, writer, logger, intervalMs: 1000 });
    assert.equal(await worker.runOnce(), 5);
    assert.deepEqual(await keys(`${PREFIX}/stores/${storeId}/day=${day(oldTime)}/`), []);
    assert.ok((await keys(`${PREFIX}/stores/${storeId}/day=${day(recentTime)}/`)).length > 0);
    // Event history keeps its own days (its retention is the journal's).
    assert.ok((await keys(`${PREFIX}/history/account=${ACCOUNT}/day=${day(oldTime)}/`)).length > 0);
    assert.deepEqual(await query(engineOver(writer), `SELECT count(*) FROM ${storeId}`, storeId), [['45']]);
  });

  void it("deleting a store's data deletes its objects, and only its", async () => {
    await engineOver(writer).deleteStoreData(storeId);
    assert.deepEqual(await keys(`${PREFIX}/stores/${storeId}/`), []);
    assert.ok((await keys(`${PREFIX}/history/`)).length > 0);
    assert.deepEqual(await query(engineOver(writer), 'SELECT count(*) FROM event_history', 'event_history'), [['75']]);
  });
});
