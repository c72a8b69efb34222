/**
 * Lake ingestion under the `lake-ingest` lease, in-process on a real PostgreSQL: two workers (two
 * "nodes", each with its own lease connection) over one store and one dataset directory. Only the
 * holder ingests; the other's catchUp (a first Lake call there) returns once the holder's cursors
 * reach the journal instead of running passes it may not run; when the holder's lease session
 * ends, the other takes over from the committed cursors and writes nothing twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { PostgresLeases } from '../../src/coordination/index.js';
import { INGEST_LEASE, LakeIngestWorker, LakePaths, ParquetWriter, SandboxedQuery, liveFiles } from '../../src/lake/index.js';
import { toJournalEntry } from '../../src/records/index.js';
import type { CairnStore } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { PostgresServer, requirePostgres } from '../support/postgres.js';

const logger = pino({ level: 'silent' });
const ACCOUNT = '123456789012';
const missing = requirePostgres();

void describe('Lake ingestion under a lease (PostgreSQL)', { skip: missing }, () => {
  let pg: PostgresServer;
  let url: string;
  let dir: string;
  let store: CairnStore;
  let writer: ParquetWriter;
  let paths: LakePaths;
  let leasesA: PostgresLeases;
  let leasesB: PostgresLeases;
  let next = 0;

  async function append(n: number): Promise<void> {
    const entries = [];
    for (let i = 0; i < n; i++, next++) {
      const raw = JSON.stringify({ eventVersion: '1.08', eventTime: new Date(Date.UTC(2025, 0, 2, 0, 0, next % 3600)).toISOString(), eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', awsRegion: 'us-east-1', eventID: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`, recipientAccountId: ACCOUNT, eventCategory: 'Management' });
      entries.push(toJournalEntry(raw, JSON.parse(raw) as Parameters<typeof toJournalEntry>[1]));
    }
    await store.events.append(entries);
  }

  async function counts(): Promise<{ total: number; distinct: number }> {
    const files = liveFiles(paths.history(ACCOUNT));
    if (files.length === 0) return { total: 0, distinct: 0 };
    const out = await new SandboxedQuery('SELECT count(*), count(DISTINCT "eventID") FROM "h"', [{ view: 'h', dir: paths.history(ACCOUNT), files }], { memoryLimit: '256MB', threads: 1 }).run();
    return { total: Number(out.rows[0]![0]), distinct: Number(out.rows[0]![1]) };
  }

  const worker = (leases: PostgresLeases): LakeIngestWorker =>
    new LakeIngestWorker({ events: store.events, state: store.lake, paths, writer, logger, intervalMs: 100, batchEvents: 25, leases });

  before(async () => {
    pg = await PostgresServer.start({ durable: false });
    url = await pg.createDatabase('lease');
    store = await openPostgresStore({ url });
    dir = mkdtempSync(join(tmpdir(), 'cairn-lake-lease-'));
    paths = new LakePaths(join(dir, 'lake'));
    writer = new ParquetWriter();
    leasesA = new PostgresLeases({ url, logger, applicationName: 'node-a' });
    leasesB = new PostgresLeases({ url, logger, applicationName: 'node-b' });
  });

  after(async () => {
    writer?.close();
    await leasesA?.close();
    await leasesB?.close();
    await store?.close();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  void it('only the holder ingests; the other node waits for its cursors, then takes over when the holder is gone', async () => {
    await append(100);
    const a = worker(leasesA);
    const b = worker(leasesB);
    assert.equal(await leasesA.hold(INGEST_LEASE), true);
    assert.equal(await b.runOnce(), 0, 'a node without the lease reads nothing');
    assert.equal(await store.lake.cursor('history'), 0);

    // A first Lake call on B while A ingests: B's catchUp ends when A has caught up, without B ingesting.
    await b.markInUse();
    a.start();
    await b.catchUp(60_000);
    assert.ok((await store.lake.cursor('history')) >= (await store.events.lastSeq()), 'the cursors reached the journal');
    assert.deepEqual(await counts(), { total: 100, distinct: 100 });
    await a.stop();

    // A's session ends (the node died): B takes the lease on its next pass and resumes from the cursor.
    await leasesA.close();
    await append(60);
    assert.equal(await b.runOnce(), 60);
    assert.equal(await leasesB.hold(INGEST_LEASE), true);
    assert.deepEqual(await counts(), { total: 160, distinct: 160 });
  });
});
