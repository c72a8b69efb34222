import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { JournalEntry } from '../../records/index.js';
import { entry } from '../testing/index.js';
import { ChunkPreparer } from './chunk-preparation.js';
import { openSqliteStore } from './open.js';

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
    return entry({
      eventTime: new Date(Date.UTC(2025, 2, 1 + (k % 5), k % 24, k % 60)).toISOString(),
      awsRegion: ['eu-west-1', 'us-east-1', 'ap-south-1'][k % 3],
      recipientAccountId: k % 2 === 0 ? '111122223333' : '444455556666',
      eventName: `Describe${k % 11}`,
      requestParameters: { note: k % 4 === 0 ? `naïve ✓ 🚀 ${k}` : `plain ${k}` },
    });
  });
}

/**
 * The same entries with other (still valid) record texts: prepared from these, a batch shows whether
 * the store took the prepared records part (texts with the trailing space) or made its own.
 */
function retexted(batch: readonly JournalEntry[]): JournalEntry[] {
  return batch.map((e) => ({ ...e, raw: `${e.raw} ` }));
}

async function storedTexts(store: ReturnType<typeof openSqliteStore>): Promise<Map<string, string>> {
  return new Map((await store.events.readAfter(0, 100_000)).map((e) => [e.eventId, e.raw]));
}

function chunkBytes(dataDir: string): Buffer[] {
  const db = new Database(join(dataDir, 'cairn.db'), { readonly: true });
  try {
    return db.prepare<[], Buffer>('SELECT data FROM chunk_data ORDER BY id').pluck().all();
  } finally {
    db.close();
  }
}

void describe('appends prepared elsewhere (ChunkPreparer)', () => {
  void it('store exactly what the same append stores unprepared, byte for byte', async () => {
    const batch = entries(900);
    const [plainDir, preparedDir] = [newDataDir(), newDataDir()];
    const plain = openSqliteStore({ dataDir: plainDir });
    const prepared = openSqliteStore({ dataDir: preparedDir, bulkWriter: true });
    try {
      const recipe = prepared.events.appendRecipe?.();
      assert.ok(recipe, 'a SQLite store has a recipe');
      assert.deepEqual(await plain.events.append(batch), { inserted: 900, duplicates: 0 });
      assert.deepEqual(await prepared.events.append(batch, { prepared: new ChunkPreparer(recipe).prepare(batch) }), { inserted: 900, duplicates: 0 });
      const [a, b] = [await plain.events.readAfter(0, 1000), await prepared.events.readAfter(0, 1000)];
      assert.equal(b.length, 900);
      assert.deepEqual(
        b.map((e) => [e.seq, e.eventId, e.raw]),
        a.map((e) => [e.seq, e.eventId, e.raw]),
      );
      const page = { accountId: '444455556666', region: 'ap-south-1', categories: ['Management' as const], attributes: [{ key: 'EventName' as const, value: 'Describe3' }], limit: 50 };
      assert.deepEqual(
        (await prepared.events.query(page)).events.map((e) => e.eventId),
        (await plain.events.query(page)).events.map((e) => e.eventId),
      );
    } finally {
      await plain.close();
      await prepared.close();
    }
    const [plainChunks, preparedChunks] = [chunkBytes(plainDir), chunkBytes(preparedDir)];
    assert.ok(plainChunks.length > 7);
    assert.deepEqual(preparedChunks, plainChunks);
  });

  void it('are taken as given when the append stores every entry they were made for', async () => {
    const store = openSqliteStore({ dataDir: newDataDir(), bulkWriter: true });
    try {
      const batch = entries(300, 1);
      const work = new ChunkPreparer(store.events.appendRecipe!()!).prepare(retexted(batch));
      assert.deepEqual(await store.events.append(batch, { prepared: work }), { inserted: 300, duplicates: 0 });
      const texts = await storedTexts(store);
      for (const e of batch) assert.equal(texts.get(e.eventId), `${e.raw} `);
    } finally {
      await store.close();
    }
  });

  void it('are set aside when the append skips a duplicate, or was made for other entries', async () => {
    const store = openSqliteStore({ dataDir: newDataDir(), bulkWriter: true });
    try {
      const batch = entries(300, 2);
      await store.events.append([batch[17]!]);
      const preparer = new ChunkPreparer(store.events.appendRecipe!()!);
      assert.deepEqual(await store.events.append(batch, { prepared: preparer.prepare(retexted(batch)) }), { inserted: 299, duplicates: 1 });
      const more = entries(200, 3);
      assert.deepEqual(await store.events.append(more, { prepared: preparer.prepare(retexted(more.slice(1))) }), { inserted: 200, duplicates: 0 });
      const texts = await storedTexts(store);
      assert.equal(texts.size, 500);
      for (const e of [...batch, ...more]) assert.equal(texts.get(e.eventId), e.raw);
    } finally {
      await store.close();
    }
  });

  void it('refuse records whose lengths do not add up, and store nothing of that append', async () => {
    const store = openSqliteStore({ dataDir: newDataDir(), bulkWriter: true });
    try {
      const batch = entries(50, 4);
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
    const store = openSqliteStore({ dataDir: newDataDir(), bulkWriter: true });
    try {
      const seed = store.events.appendRecipe!()!;
      assert.equal(seed.dictionaryId, 1);
      // The store builds its own dictionary from its first 16,384 records.
      for (let round = 0; round < 5; round++) await store.events.append(entries(4096, 10 + round));
      const learned = store.events.appendRecipe!()!;
      assert.equal(learned.dictionaryId, 2);
      const late = entries(400, 99);
      await store.events.append(late, { prepared: new ChunkPreparer(seed).prepare(retexted(late)) });
      const texts = await storedTexts(store);
      for (const e of late) assert.equal(texts.get(e.eventId), `${e.raw} `);
    } finally {
      await store.close();
    }
  });
});
