import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { entry } from '../testing/index.js';
import { eventIdHash } from './event-id.js';
import { EventIdIndex } from './event-id-index.js';
import { openSqliteStore } from './open.js';
import { SCHEMA } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-event-ids-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: Database.Database, table: string): number => db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get()!;

void it('keeps new ids in the recent table and merges them into event_ids a range at a time, finding every one throughout', () => {
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  const index = new EventIdIndex(db, { recentLimit: 100 });
  const rows: [number, number][] = [];
  // Hashes spread over the whole 53-bit space, as eventIdHash gives them.
  for (let i = 0; i < 1_000; i++) rows.push([Math.floor(((i * 7919) % 1_000) / 1_000 * 2 ** 53), 1 + Math.floor(i / 10)]);
  for (let i = 0; i < rows.length; i += 10) {
    const batch = rows.slice(i, i + 10).sort((a, b) => a[0] - b[0]);
    db.transaction(() => index.insert(batch))();
    for (const [hash, chunk] of rows.slice(0, i + 10)) assert.ok(index.seqsOf(hash).includes(chunk), `hash ${hash} is found after ${i + 10} inserts`);
  }
  assert.ok(count(db, 'event_ids') > 0, 'ranges were merged into event_ids');
  assert.ok(count(db, 'event_ids_recent') <= 100 + 10, `the recent table stays near its limit (${count(db, 'event_ids_recent')})`);
  assert.equal(count(db, 'event_ids') + count(db, 'event_ids_recent'), 1_000, 'no id is in both tables or lost');
  // Removal finds a row in either table.
  for (const [hash, chunk] of rows) db.transaction(() => index.remove(hash, chunk, chunk))();
  assert.equal(count(db, 'event_ids') + count(db, 'event_ids_recent'), 0);
  db.close();
});

void it('a store whose ids are all in event_ids (written before the recent table) still skips duplicates and finds ids', async () => {
  const dataDir = join(dir, 'old-layout');
  const events = Array.from({ length: 20 }, (_, i) => entry({ eventTime: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString().replace('.000Z', 'Z') }));
  let store = openSqliteStore({ dataDir });
  assert.equal((await store.events.append(events)).inserted, 20);
  await store.close();
  const db = new Database(join(dataDir, 'cairn.db'));
  db.exec('INSERT INTO event_ids SELECT hash, chunk FROM event_ids_recent; DELETE FROM event_ids_recent');
  db.close();
  store = openSqliteStore({ dataDir });
  assert.deepEqual(await store.events.append(events), { inserted: 0, duplicates: 20 });
  const target = events[7]!;
  const page = await store.events.query({ accountId: target.accountId, region: target.region, categories: ['Management'], attributes: [{ key: 'EventId', value: target.eventId }], limit: 50 });
  assert.deepEqual(page.events.map((e) => e.eventId), [target.eventId]);
  await store.close();
});

void it('a hash that points into a chunk without the eventID does not make a new event a duplicate', async () => {
  const dataDir = join(dir, 'false-hit');
  const stored = Array.from({ length: 5 }, (_, i) => entry({ eventTime: new Date(Date.UTC(2025, 0, 2, 0, 0, i)).toISOString().replace('.000Z', 'Z') }));
  const fresh = entry({ eventTime: '2025-01-02T00:01:00Z' });
  let store = openSqliteStore({ dataDir });
  await store.events.append(stored);
  await store.close();
  // A row for the new event's hash, pointing into the stored chunk: what a hash collision looks like.
  const db = new Database(join(dataDir, 'cairn.db'));
  const chunk = db.prepare<[], number>('SELECT id FROM chunks').pluck().get()!;
  db.prepare('INSERT INTO event_ids_recent (hash, chunk) VALUES (?, ?)').run(eventIdHash(fresh.eventId), chunk);
  db.close();
  store = openSqliteStore({ dataDir });
  assert.deepEqual(await store.events.append([...stored, fresh, fresh]), { inserted: 1, duplicates: 6 });
  await store.close();
});
