/**
 * What the PostgreSQL backend must do beyond the shared store suite: several nodes appending at once
 * while a follower reads by seq, migrations when nodes start together, retention by whole partitions,
 * and job leases that move when their holder's session dies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { PostgresLeases } from '../../src/coordination/index.js';
import { entry } from '../../src/store/testing/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { StoredEvent } from '../../src/records/index.js';
import { PostgresServer, requirePostgres } from '../support/postgres.js';

const skip = requirePostgres();
const DAY = 86_400_000;
let server: PostgresServer | undefined;
before(async () => {
  if (!skip) server = await PostgresServer.start({ durable: false });
});
after(async () => {
  await server?.stop();
});
const pg = (): PostgresServer => {
  if (!server) throw new Error('PostgreSQL is not running');
  return server;
};

void describe('PostgreSQL journal with several nodes', { skip }, () => {
  void it('migrates once when four nodes open a new database at the same moment', async () => {
    const url = await pg().createDatabase('migrate');
    const stores = await Promise.all(Array.from({ length: 4 }, (_, i) => openPostgresStore({ url, applicationName: `node-${i}` })));
    const { rows } = await stores[0]!.pool.query<{ n: number; latest: number }>('SELECT count(*)::int AS n, max(version) AS latest FROM cairn_migrations');
    assert.ok(rows[0]!.n >= 2, 'every migration recorded');
    assert.equal(rows[0]!.n, rows[0]!.latest, 'each applied once, in order');
    await stores[1]!.events.append([entry()]);
    assert.equal(await stores[3]!.events.count(), 1);
    await Promise.all(stores.map((s) => s.close()));
  });

  void it('a follower reading by seq while three nodes append sees every event once, in seq order', async () => {
    const url = await pg().createDatabase('follow');
    const writers = await Promise.all([0, 1, 2].map((i) => openPostgresStore({ url, applicationName: `writer-${i}` })));
    const follower = await openPostgresStore({ url });
    const written = new Set<string>();
    let writing = true;
    const seen: StoredEvent[] = [];
    const follow = (async () => {
      let cursor = 0;
      for (;;) {
        const done = !writing;
        const batch = await follower.events.readAfter(cursor, 97);
        seen.push(...batch);
        if (batch.length > 0) cursor = batch.at(-1)!.seq;
        else if (done) return;
      }
    })();
    await Promise.all(
      writers.map(async (store) => {
        for (let i = 0; i < 60; i++) {
          const batch = Array.from({ length: 1 + (i % 7) }, () => entry());
          await store.events.append(batch);
          for (const e of batch) written.add(e.eventId);
        }
      }),
    );
    writing = false;
    await follow;
    assert.equal(seen.length, written.size);
    assert.deepEqual(new Set(seen.map((e) => e.eventId)), written);
    assert.ok(seen.every((e, i) => i === 0 || e.seq === seen[i - 1]!.seq + 1), 'seqs are consecutive: nothing was passed over');
    assert.equal(await follower.events.lastSeq(), seen.at(-1)!.seq);
    await Promise.all([...writers, follower].map((s) => s.close()));
  });

  void it('retention drops whole day partitions and forgets their eventIDs', async () => {
    const url = await pg().createDatabase('retention');
    const today = Math.floor(Date.now() / DAY) * DAY;
    let now = today - 100 * DAY + 1000;
    const store = await openPostgresStore({ url, now: () => now });
    const old = [entry(), entry(), entry()];
    await store.events.append(old);
    now = today - DAY + 5000;
    await store.events.append([entry(), entry()]);
    now = today + 1000;
    await store.events.append([entry()]);
    const partitions = async (): Promise<string[]> =>
      (await store.pool.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1")).rows.map((r) => r.name);
    const oldName = `events_p${new Date(today - 100 * DAY).toISOString().slice(0, 10).replaceAll('-', '')}`;
    assert.ok((await partitions()).includes(oldName));
    assert.equal(await store.events.purgeReceivedBefore(today - 90 * DAY, 1000), 3);
    assert.ok(!(await partitions()).includes(oldName), 'the old day is dropped as a table');
    assert.equal(await store.events.count(), 3);
    assert.equal((await store.events.readAfter(0, 10)).length, 3);
    assert.deepEqual(await store.events.append([old[0]!]), { inserted: 1, duplicates: 0 }, 'a purged eventID can be imported again');
    // The day the cutoff falls in is deleted row by row, oldest first.
    assert.equal(await store.events.purgeReceivedBefore(today - DAY + 6000, 1000), 2);
    assert.equal(await store.events.count(), 2);
    await store.close();
  });

  void it('a lease is held by one node; when its session dies another node takes it within seconds', async () => {
    const url = await pg().createDatabase('leases');
    const logger = pino({ level: 'silent' });
    const a = new PostgresLeases({ url, logger, applicationName: 'lease-a', heartbeatMs: 200 });
    const b = new PostgresLeases({ url, logger, applicationName: 'lease-b', heartbeatMs: 200 });
    assert.equal(await a.hold('trail:1'), true);
    assert.equal(await a.hold('trail:1'), true, 'still held, confirmed');
    assert.equal(await b.hold('trail:1'), false);
    assert.equal(await b.hold('trail:2'), true, 'other jobs are free');
    await pg().query(url.split('/').at(-1)!, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lease-a'");
    const started = Date.now();
    while (!(await b.hold('trail:1'))) {
      assert.ok(Date.now() - started < 5_000, 'taken over within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await a.hold('trail:1'), false, 'the old holder knows it lost the lease');
    await b.release('trail:1');
    assert.equal(await a.hold('trail:1'), true, 'a released lease is free again');
    await Promise.all([a.close(), b.close()]);
  });
});
