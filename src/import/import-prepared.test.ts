import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import type { JournalEntry } from '../records/index.js';
import type { AppendOptions, AppendRecipe, EventStore, PreparedAppend } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open.js';
import { record } from '../store/testing/index.js';
import { importArchive } from './import-archive.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

void describe('importArchive read on a thread that prepares the appends', () => {
  void it('stores every record byte for byte, with the thread following the recipe the store gives', async () => {
    const archive = newDir('cairn-prepared-archive-');
    const texts = new Map<string, string>();
    for (let f = 0; f < 12; f++) {
      const records = Array.from({ length: 500 }, (_, k) =>
        record({
          eventTime: new Date(Date.UTC(2025, 0, 1 + (k % 3), f, k % 60)).toISOString(),
          awsRegion: ['eu-west-1', 'us-east-1'][f % 2],
          requestParameters: { note: k % 5 === 0 ? `fichier ${f} ✓ ${k}` : `file ${f} ${k}` },
        }),
      );
      for (const r of records) texts.set(String(r.eventID), JSON.stringify(r));
      writeFileSync(join(archive, `f${String(f).padStart(2, '0')}.json.gz`), gzipSync(JSON.stringify({ Records: records })));
    }
    const sqlite = openSqliteStore({ dataDir: newDir('cairn-prepared-store-'), bulkWriter: true });
    try {
      const seed = sqlite.events.appendRecipe!()!;
      // After two appends the store "learns" a dictionary it does not have: prepared work made with it
      // reaches the store, which must see it cannot use it and do the work itself.
      const unknown: AppendRecipe = { ...seed, dictionaryId: 7 };
      const given: (PreparedAppend | undefined)[] = [];
      const store: Pick<EventStore, 'append' | 'appendRecipe'> = {
        appendRecipe: () => (given.length >= 2 ? unknown : seed),
        append: async (entries: readonly JournalEntry[], options?: AppendOptions) => {
          given.push(options?.prepared);
          // A slow store: the reading thread is ahead, so it prepares.
          await delay(40);
          return sqlite.events.append(entries, options);
        },
      };
      const summary = await importArchive([archive], store, { batchSize: 1000, readerThread: true });
      assert.equal(summary.inserted, 6000);
      assert.equal(given.length, 6);
      assert.ok(given.some((p) => p?.dictionaryId === 1), 'appends prepared with the store dictionary');
      assert.ok(given.some((p) => p?.dictionaryId === 7), 'the new recipe reached the thread');
      const stored = await sqlite.events.readAfter(0, 10_000);
      assert.equal(stored.length, 6000);
      for (const e of stored) assert.equal(e.raw, texts.get(e.eventId));
    } finally {
      await sqlite.close();
    }
  });
});
