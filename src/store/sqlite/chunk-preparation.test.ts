import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type * as Zstd from 'zstd-napi/binding.js';
import type { JournalEntry } from '../../records/index.js';
import { entry } from '../testing/index.js';
import { ChunkPreparer } from './chunk-preparation.js';
import { openSqliteStore } from './open.js';

const zstd = createRequire(import.meta.url)('zstd-napi/binding.js') as typeof Zstd;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-prepared-'));
  dirs.push(dataDir);
  return dataDir;
}

/** Entries over two accounts, three regions and five days, in no order, some with non-ASCII text. */
function entries(n: number, seed = 0): JournalEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const k = (i * 7919 + seed) % n;
    const overrides = {
      eventTime: new Date(Date.UTC(2025, 2, 1 + (k % 5), k % 24, k % 60)).toISOString(),
      awsRegion: ['eu-west-1', 'us-east-1', 'ap-south-1'][k % 3],
      recipientAccountId: k % 2 === 0 ? '111122223333' : '444455556666',
      eventName: `Describe${k % 11}`,
      requestParameters: { note: k % 4 === 0 ? `naïve ✓ 🚀 ${k}` : `plain ${k}` },
    };
    return entry(overrides);
  });
}

/** Zstd frames per stored chunk: 2 for a chunk written from prepared records, 1 otherwise. */
function framesPerChunk(dataDir: string): number[] {
  const db = new Database(join(dataDir, 'cairn.db'), { readonly: true });
  try {
    return db
      .prepare<[], Buffer>('SELECT data FROM chunk_data ORDER BY id')
      .pluck()
      .all()
      .map((data) => {
        let frames = 0;
        for (let at = 2; at < data.length; frames++) at += zstd.findFrameCompressedSize(data.subarray(at));
        return frames;
      });
  } finally {
    db.close();
  }
}

void describe('appends prepared elsewhere (ChunkPreparer)', () => {
  void it('store exactly what the same append stores unprepared, chunk for chunk', async () => {
    const batch = entries(900);
    const [plainDir, preparedDir] = [newDataDir(), newDataDir()];
    const plain = openSqliteStore({ dataDir: plainDir });
    const prepared = openSqliteStore({ dataDir: preparedDir, bulkWriter: true });
    try {
      const recipe = prepared.events.appendRecipe?.();
      assert.ok(recipe, 'a SQLite store has a recipe');
      const work = new ChunkPreparer(recipe).prepare(batch);
      assert.deepEqual(await plain.events.append(batch), { inserted: 900, duplicates: 0 });
      assert.deepEqual(await prepared.events.append(batch, { prepared: work }), { inserted: 900, duplicates: 0 });
      const [a, b] = [await plain.events.readAfter(0, 1000), await prepared.events.readAfter(0, 1000)];
      assert.equal(b.length, 900);
      assert.deepEqual(
        b.map((e) => [e.seq, e.eventId, e.raw]),
        a.map((e) => [e.seq, e.eventId, e.raw]),
      );
      const byId = new Map(batch.map((e) => [e.eventId, e.raw]));
      for (const e of b) assert.equal(e.raw, byId.get(e.eventId), 'record text byte for byte');
      const page = { accountId: '444455556666', region: 'ap-south-1', categories: ['Management' as const], attributes: [{ key: 'EventName' as const, value: 'Describe3' }], limit: 50 };
      assert.deepEqual(
        (await prepared.events.query(page)).events.map((e) => e.eventId),
        (await plain.events.query(page)).events.map((e) => e.eventId),
      );
    } finally {
      await plain.close();
      await prepared.close();
    }
    const [plainFrames, preparedFrames] = [framesPerChunk(plainDir), framesPerChunk(preparedDir)];
    assert.equal(preparedFrames.length, plainFrames.length);
    assert.ok(plainFrames.every((n) => n === 1));
    assert.ok(preparedFrames.every((n) => n === 2), 'every chunk took its records part as prepared');
  });

  void it('are set aside when the append skips a duplicate, or was made for other entries', async () => {
    const dataDir = newDataDir();
    const store = openSqliteStore({ dataDir, bulkWriter: true });
    try {
      const batch = entries(300, 1);
      await store.events.append([batch[17]!]);
      const preparer = new ChunkPreparer(store.events.appendRecipe!()!);
      assert.deepEqual(await store.events.append(batch, { prepared: preparer.prepare(batch) }), { inserted: 299, duplicates: 1 });
      const more = entries(200, 2);
      assert.deepEqual(await store.events.append(more, { prepared: preparer.prepare(more.slice(1)) }), { inserted: 200, duplicates: 0 });
      const stored = await store.events.readAfter(0, 1000);
      assert.equal(stored.length, 500);
      const byId = new Map([...batch, ...more].map((e) => [e.eventId, e.raw]));
      for (const e of stored) assert.equal(e.raw, byId.get(e.eventId));
    } finally {
      await store.close();
    }
    assert.ok(framesPerChunk(dataDir).every((n) => n === 1), 'no chunk came from the prepared records');
  });

  void it('refuse records whose lengths do not add up, and store nothing of that append', async () => {
    const dataDir = newDataDir();
    const store = openSqliteStore({ dataDir, bulkWriter: true });
    try {
      const batch = entries(50, 3);
      const work = new ChunkPreparer(store.events.appendRecipe!()!).prepare(batch);
      work.lengths[0] = work.lengths[0]! + 1;
      await assert.rejects(store.events.append(batch, { prepared: work }), /do not match their lengths/);
      assert.equal(await store.events.count(), 0);
      assert.deepEqual(await store.events.append(batch), { inserted: 50, duplicates: 0 });
    } finally {
      await store.close();
    }
  });

  void it('follow the dictionary the store learns from its first records; older recipes stay usable', async () => {
    const dataDir = newDataDir();
    const store = openSqliteStore({ dataDir, bulkWriter: true });
    try {
      const seed = store.events.appendRecipe!()!;
      assert.equal(seed.dictionaryId, 1);
      // The store builds its own dictionary from its first 16,384 records.
      for (let round = 0; round < 5; round++) await store.events.append(entries(4096, 10 + round));
      const learned = store.events.appendRecipe!()!;
      assert.equal(learned.dictionaryId, 2);
      const late = entries(400, 99);
      await store.events.append(late, { prepared: new ChunkPreparer(seed).prepare(late) });
      const stored = await store.events.readAfter(5 * 4096, 1000);
      assert.deepEqual(
        stored.map((e) => e.raw),
        stored.map((e) => late.find((l) => l.eventId === e.eventId)?.raw),
      );
      assert.equal(stored.length, 400);
    } finally {
      await store.close();
    }
    assert.ok(framesPerChunk(dataDir).some((n) => n === 2), 'the late chunks took their prepared records, made with the seed dictionary');
  });
});
