import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { entry } from '../testing/index.js';
import { openSqliteStore } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-compactor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void it('merges a large backlog of small chunks a bounded amount per round, and lookups see the same events', async () => {
  const store = openSqliteStore({ dataDir: dir });
  const base = Date.UTC(2025, 0, 1);
  // 1,500 one-event appends: 1,500 chunks, as a busy server records calls a few per commit.
  for (let i = 0; i < 1_500; i++) await store.events.append([entry({ eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z') })]);
  const query = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management' as const], attributes: [], limit: 2_000 };
  const before = (await store.events.query(query)).events.map((e) => e.eventId);
  const rounds: number[] = [];
  for (let n = await store.events.compact(); n > 0; n = await store.events.compact()) rounds.push(n);
  assert.ok(rounds.length >= 3, `the backlog took ${rounds.length} rounds`);
  for (const n of rounds) assert.ok(n <= 512 + 128, `one round merged ${n} events`);
  assert.ok(rounds.reduce((a, b) => a + b, 0) >= 1_400, 'nearly every event was merged into a bigger chunk');
  assert.deepEqual((await store.events.query(query)).events.map((e) => e.eventId), before);
  await store.close();
});

void it('leaves id rows alone when merging, yet finds every event by id afterwards, skips it as a duplicate, and a purge leaves no row behind', async () => {
  const dataDir = join(dir, 'ids');
  const store = openSqliteStore({ dataDir });
  const base = Date.UTC(2025, 0, 1);
  const events = Array.from({ length: 300 }, (_, i) => entry({ eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z') }));
  for (let i = 0; i < events.length; i += 3) await store.events.append(events.slice(i, i + 3));
  const db = new Database(join(dataDir, 'cairn.db'), { readonly: true });
  const idRows = (): string[] => db.prepare<[], string>("SELECT hash || ':' || chunk FROM event_ids UNION ALL SELECT hash || ':' || chunk FROM event_ids_recent ORDER BY 1").pluck().all();
  const chunks = (): number => db.prepare<[], number>('SELECT count(*) FROM chunks').pluck().get()!;
  const rowsBefore = idRows();
  const chunksBefore = chunks();
  while ((await store.events.compact()) > 0);
  assert.ok(chunks() < chunksBefore / 10, `${chunksBefore} chunks merged into ${chunks()}`);
  assert.deepEqual(idRows(), rowsBefore, 'merging rewrote no id row');
  for (const e of [events[0]!, events[1]!, events[151]!, events[299]!]) {
    const page = await store.events.query({ accountId: e.accountId, region: e.region, categories: ['Management'], attributes: [{ key: 'EventId', value: e.eventId }], limit: 50 });
    assert.deepEqual(page.events.map((x) => x.eventId), [e.eventId], 'found through a row that names its old chunk');
  }
  assert.deepEqual(await store.events.append(events), { inserted: 0, duplicates: 300 });
  // A partial purge (the older half) and then a full one.
  await store.events.purgeReceivedBefore(Date.now() + 60_000, 150);
  const left = await store.events.count();
  assert.ok(left > 0 && left < 300, `${left} events left`);
  assert.equal(idRows().length, left, 'one id row per event left');
  await store.events.purgeReceivedBefore(Date.now() + 60_000, 1_000);
  assert.equal(await store.events.count(), 0);
  assert.deepEqual(idRows(), [], 'no id row outlives its event');
  db.close();
  await store.close();
});

void it('skips duplicates in chunks another process merged after this one had read them (an import beside a compacting server)', async () => {
  const dataDir = join(dir, 'two-writers');
  const server = openSqliteStore({ dataDir });
  const importer = openSqliteStore({ dataDir });
  const base = Date.UTC(2025, 0, 1);
  const events = Array.from({ length: 6 }, (_, i) => entry({ eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z') }));
  // Two small chunks, as a server records calls.
  await server.events.append(events.slice(0, 3));
  await server.events.append(events.slice(3, 6));
  // The importer meets the first chunk's events again: it reads that chunk (and keeps it decoded).
  assert.deepEqual(await importer.events.append(events.slice(0, 3)), { inserted: 0, duplicates: 3 });
  // Appends are not counted as rewrites: a server keeps its decoded chunks while an import adds to the store.
  const db = new Database(join(dataDir, 'cairn.db'), { readonly: true });
  const rewrites = (): number[] => db.prepare<[], number>('SELECT chunk FROM chunk_rewrites ORDER BY n').pluck().all();
  assert.deepEqual(rewrites(), []);
  const [first, second] = db.prepare<[], number>('SELECT id FROM chunks ORDER BY id').pluck().all();
  // The server merges the second chunk into the first, which keeps its id.
  while ((await server.events.compact()) > 0);
  assert.deepEqual(new Set(rewrites()), new Set([first, second]), 'the merge logged both chunks it removed, once each');
  db.close();
  // The importer meets the second chunk's events: they now live in the chunk it read before the merge.
  assert.deepEqual(await importer.events.append(events.slice(3, 6)), { inserted: 0, duplicates: 3 });
  assert.equal(await server.events.count(), 6);
  await importer.close();
  await server.close();
});

void it('lets a server read chunks another connection merged and purged after it had decoded them (an import beside a server)', async () => {
  const dataDir = join(dir, 'rewrites');
  const server = openSqliteStore({ dataDir });
  const other = openSqliteStore({ dataDir });
  const query = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management' as const], attributes: [], limit: 1_000 };
  try {
    const base = Date.UTC(2025, 0, 1);
    const events = Array.from({ length: 6 }, (_, i) => entry({ eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z') }));
    // Two small chunks; the server reads (and keeps decoded) both.
    await other.events.append(events.slice(0, 3));
    await other.events.append(events.slice(3));
    const newestFirst = events.map((e) => e.eventId).reverse();
    const ids = async (): Promise<string[]> => (await server.events.query(query)).events.map((e) => e.eventId);
    assert.deepEqual(await ids(), newestFirst);
    // The other connection merges the second chunk into the first, which keeps its id.
    assert.equal(await other.events.compact(), 6);
    assert.deepEqual(await ids(), newestFirst, 'the merged chunk is read afresh, not the decoded copy from before');
    assert.equal((await server.events.readAfter(0, 100)).length, 6);
    // It purges everything: nothing is left to show, cached or not.
    assert.equal(await other.events.purgeReceivedBefore(Date.now() + 1_000, 1_000), 6);
    assert.deepEqual(await ids(), []);
    assert.deepEqual(await server.events.readAfter(0, 100), []);
  } finally {
    await other.close();
    await server.close();
  }
});
