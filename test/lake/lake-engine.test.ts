import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { LakeEngine, LakeIngestWorker, LakePaths, ParquetWriter, SandboxedQuery, liveFiles, translateQuery } from '../../src/lake/index.js';
import { toJournalEntry } from '../../src/records/index.js';
import type { QueryDoc } from '../../src/services/index.js';
import type { CairnStore } from '../../src/store/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

// The Lake engine in-process: the dialect's translation, the ingestion cursor's crash safety and
// compaction, the query timeout, and the sandbox below the translator.

const logger = pino({ level: 'silent' });
let dir: string;
let store: CairnStore;
let paths: LakePaths;
let writer: ParquetWriter;

function record(i: number, day: number): string {
  return JSON.stringify({
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/u${i % 3}`, accountId: '123456789012', userName: `u${i % 3}` },
    eventTime: new Date(Date.UTC(2025, 0, day, 12, 0, i % 60)).toISOString().replace('.000', ''),
    eventSource: i % 2 ? 's3.amazonaws.com' : 'iam.amazonaws.com',
    eventName: 'GetBucketAcl',
    awsRegion: 'us-east-1',
    requestParameters: { bucketName: `b${i % 4}`, nested: { a: 1 } },
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
  });
}

async function append(from: number, to: number, day: number): Promise<void> {
  const entries = [];
  for (let i = from; i < to; i++) {
    const raw = record(i, day);
    entries.push(toJournalEntry(raw, JSON.parse(raw) as Parameters<typeof toJournalEntry>[1]));
  }
  await store.events.append(entries);
}

function worker(): LakeIngestWorker {
  return new LakeIngestWorker({ events: store.events, state: store.lake, paths, writer, logger, intervalMs: 1000, batchEvents: 7 });
}

async function historyCount(): Promise<number> {
  const files = liveFiles(paths.history('123456789012'));
  const q = new SandboxedQuery('SELECT count(*) AS n, count(DISTINCT "eventID") AS d FROM "h"', [{ view: 'h', dir: paths.history('123456789012'), files }], { memoryLimit: '256MB', threads: 1 });
  const out = await q.run();
  assert.equal(out.rows[0]?.[0], out.rows[0]?.[1], 'no event twice');
  return Number(out.rows[0]?.[0]);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-lake-'));
  store = openSqliteStore({ dataDir: dir });
  paths = new LakePaths(join(dir, 'lake'));
  writer = new ParquetWriter();
});

after(async () => {
  writer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

void describe('the dialect', () => {
  const tables = new Map([['0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', 'v1'], ['event_history', 'v2']]);
  void it("translates Lake's functions and names the views", () => {
    const t = translateQuery("SELECT element_at(requestParameters, 'bucketName'), json_extract_scalar(x, '$.a'), cardinality(resources), date_add('day', -1, now()) FROM 0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9 WHERE eventTime > '2025-01-05 00:00:00'", tables);
    assert.equal(t.sql, `SELECT cairn_element_at ( "requestParameters" , 'bucketName' ) , json_extract_string ( "x" , '$.a' ) , len ( "resources" ) , cairn_date_add ( 'day' , - 1 , cairn_now ( ) ) FROM "v1" WHERE "eventTime" > '2025-01-05 00:00:00'`);
    assert.deepEqual(t.tables, ['0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9']);
  });
  void it('keeps quotes inside strings and identifiers', () => {
    const t = translateQuery(`SELECT "user""name" FROM event_history WHERE x = 'it''s; DROP'`, tables);
    assert.equal(t.sql, `SELECT "user""name" FROM "v2" WHERE "x" = 'it''s; DROP'`);
  });
  void it('refuses unknown functions, tables, statements and stray semicolons', () => {
    for (const sql of ['SELECT sleep(1) FROM event_history', 'SELECT * FROM other', 'DELETE FROM event_history', 'SELECT 1 FROM event_history; SELECT 1', 'SELECT * FROM event_history, read_csv(x)', 'SELECT * FROM event_history e, main.x']) {
      assert.throws(() => translateQuery(sql, tables), /./, sql);
    }
  });
});

void describe('ingestion by cursor', () => {
  void it('writes every event once across batches and days, and compaction keeps them', async () => {
    await append(0, 30, 1);
    await append(30, 50, 2);
    const w = worker();
    assert.equal(await w.runOnce(), 50);
    assert.equal(await historyCount(), 50);
    await w.compactAll([paths.history('123456789012')]);
    const day1 = join(paths.history('123456789012'), 'day=2025-01-01');
    assert.equal(readdirSync(day1).filter((n) => n.endsWith('.parquet')).length, 1);
    assert.equal(await historyCount(), 50);
  });

  void it('a crash between writing files and committing the cursor writes nothing twice', async () => {
    await append(50, 60, 2);
    // Files for the range written, cursor not committed (the process died).
    const cursor = await store.lake.cursor('history');
    await worker().runOnce();
    await store.lake.setCursor('history', cursor);
    await append(60, 65, 2);
    await worker().runOnce();
    assert.equal(await historyCount(), 65);
  });
});

void describe('queries', () => {
  void it('times out a query that runs too long (TIMED_OUT, with a message)', async () => {
    const engine = new LakeEngine({ state: store.lake, paths, writer, logger, queryTimeoutMs: 200, memoryLimit: '256MB', threads: 1, maxRunning: 2 });
    const tables = new Map([['event_history', { kind: 'history' as const, accountId: '123456789012' }]]);
    const query: QueryDoc = {
      id: 'q-timeout', accountId: '123456789012', region: 'us-east-1', status: 'QUEUED', storeIds: [], createdAt: Date.now(),
      statement: 'SELECT count(*) FROM event_history a CROSS JOIN event_history b CROSS JOIN event_history c CROSS JOIN event_history d CROSS JOIN event_history e CROSS JOIN event_history f',
      eventsMatched: 0, eventsScanned: 0, bytesScanned: 0, executionTimeInMillis: 0,
    };
    await store.lake.put('query', query.id, query.accountId, query);
    engine.submit(query, tables);
    assert.equal(engine.active('123456789012'), 1);
    const deadline = Date.now() + 20_000;
    let doc: QueryDoc | undefined;
    do {
      await new Promise((r) => setTimeout(r, 50));
      doc = await store.lake.get<QueryDoc>('query', query.id);
    } while (doc && (doc.status === 'QUEUED' || doc.status === 'RUNNING') && Date.now() < deadline);
    assert.equal(doc?.status, 'TIMED_OUT');
    assert.match(doc?.errorMessage ?? '', /longer than 200 ms/);
    assert.equal(engine.active('123456789012'), 0);
  });

  void it('the sandbox itself refuses files outside its stores, settings and extensions', async () => {
    const files = liveFiles(paths.history('123456789012'));
    for (const sql of ["SELECT * FROM read_csv('/etc/passwd')", 'SET enable_external_access = true', 'INSTALL httpfs', "COPY (SELECT 1) TO '/tmp/cairn-sandbox-leak.csv'", "ATTACH '/tmp/cairn-sandbox.db'"]) {
      const q = new SandboxedQuery(sql, [{ view: 'h', dir: paths.history('123456789012'), files }], { memoryLimit: '256MB', threads: 1 });
      await assert.rejects(q.run(), /disabled|locked|Permission|not allowed/i, sql);
    }
  });
});
