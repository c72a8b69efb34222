import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { JournalEntry } from '../records/index.js';
import type { AppendResult, EventStore } from '../store/index.js';
import { importArchive } from './import-archive.js';
import type { ImportProgress } from './import-archive.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'cloudtrail');

/** An EventStore kept in a Map by eventId; `failAfter` appends it throws (a process killed midway). */
class MemoryStore implements Pick<EventStore, 'append'> {
  readonly events = new Map<string, JournalEntry>();
  appends: number[] = [];
  constructor(private failAfter = Infinity) {}

  append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    if (this.appends.length >= this.failAfter) return Promise.reject(new Error('killed'));
    this.appends.push(entries.length);
    let inserted = 0;
    for (const e of entries) {
      if (this.events.has(e.eventId)) continue;
      this.events.set(e.eventId, e);
      inserted++;
    }
    return Promise.resolve({ inserted, duplicates: entries.length - inserted });
  }
  heal(): void {
    this.failAfter = Infinity;
  }
}

void describe('importArchive', () => {
  void it('imports the fixtures: counts, failures, and nothing twice on re-import', async () => {
    const store = new MemoryStore();
    const first = await importArchive([FIXTURES], store);
    // 310 + 206 (otrf .json and its zip member) + 6 + 42 = 564 records read. Distinct eventIDs:
    // 310 + 103 + 6 + 6 (StreamAlert's 42 records reuse a few placeholder eventIDs) = 425.
    assert.equal(first.records, 564);
    assert.equal(first.inserted, 425);
    assert.equal(first.duplicates, 139);
    assert.equal(first.skipped, 41 + 15);
    assert.equal(store.events.size, 425);
    assert.deepEqual(
      first.filesFailed.map((f) => f.file.split('/').pop()),
      ['SerializerTestFileBadJsonFormat.json'],
    );
    assert.match(first.filesFailed[0]?.reason ?? '', /malformed JSON/);
    assert.equal(first.files, 35 + 2 + 1 + 15 + 13);
    assert.ok(first.filesIgnored.some((f) => f.file.endsWith('AWS_S3_HoneyBucketLogs.csv')));
    assert.ok(first.bytes > 1_000_000 && first.seconds > 0);

    const again = await importArchive([FIXTURES], store);
    assert.equal(again.records, 564);
    assert.equal(again.inserted, 0);
    assert.equal(again.duplicates, 564);
    assert.equal(store.events.size, 425);
  });

  void describe('with a large generated archive', () => {
    let dir: string;
    const total = 5000;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'cairn-import-'));
      for (let f = 0; f < 10; f++) {
        const records = Array.from({ length: total / 10 }, (_, k) => {
          const i = f * (total / 10) + k;
          return {
            eventVersion: '1.09',
            eventTime: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
            eventSource: 's3.amazonaws.com',
            eventName: 'GetObject',
            awsRegion: 'us-east-1',
            eventID: `id-${i}`,
            recipientAccountId: '111122223333',
            requestParameters: { bucketName: `b${i % 7}` },
          };
        });
        writeFileSync(join(dir, `f${f}.json.gz`), gzipSync(JSON.stringify({ Records: records })));
      }
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    for (const readerThread of [false, true]) {
      const reading = readerThread ? 'read on a worker thread' : 'read on the calling thread';

      void it(`appends in batches of batchSize across files and reports cumulative progress (${reading})`, async () => {
        const store = new MemoryStore();
        const progress: ImportProgress[] = [];
        const summary = await importArchive([dir], store, { batchSize: 300, onProgress: (p) => progress.push(p), readerThread });
        assert.equal(summary.inserted, total);
        assert.equal(summary.files, 10);
        // Batches span files: all full but the last.
        assert.deepEqual(store.appends, [...Array<number>(Math.floor(total / 300)).fill(300), total % 300]);
        const last = progress[progress.length - 1];
        assert.ok(last);
        assert.equal(last.records, total);
        assert.equal(last.inserted, total);
        assert.equal(last.bytes, last.bytesTotal);
        assert.equal(last.filesDone, 10);
        assert.equal(last.filesTotal, 10);
        for (let k = 1; k < progress.length; k++) {
          const [a, b] = [progress[k - 1], progress[k]];
          assert.ok(a && b && b.records >= a.records && b.bytes >= a.bytes && b.inserted >= a.inserted, 'monotonic');
        }
      });

      void it(`completes an import killed midway, every event exactly once (${reading})`, async () => {
        const store = new MemoryStore(4);
        await assert.rejects(importArchive([dir], store, { batchSize: 700, readerThread }), /killed/);
        assert.equal(store.events.size, 4 * 700);
        store.heal();
        const rerun = await importArchive([dir], store, { batchSize: 700, readerThread });
        assert.equal(rerun.inserted, total - 4 * 700);
        assert.equal(rerun.duplicates, 4 * 700);
        assert.equal(store.events.size, total);
        for (let i = 0; i < total; i++) assert.ok(store.events.has(`id-${i}`));
      });
    }
  });
});
