import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JournalEntry } from '../records/index.js';
import { entry } from '../store/testing/index.js';
import type { ArchiveBatch, FileResult } from './archive-reader.js';
import { rebatch } from './rebatch.js';

async function* from(batches: ArchiveBatch[]): AsyncGenerator<ArchiveBatch> {
  for (const b of batches) {
    await Promise.resolve();
    yield b;
  }
}

async function all(batches: AsyncIterable<ArchiveBatch>): Promise<ArchiveBatch[]> {
  const out: ArchiveBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

function done(file: string, records: number): FileResult {
  return { file, status: 'ok', records, skipped: 0, bytes: 10 };
}

/** Files of the given sizes as a reader yields them: each file in batches of at most 4, the last one `done`. */
function files(sizes: number[]): { batches: ArchiveBatch[]; entries: JournalEntry[] } {
  const batches: ArchiveBatch[] = [];
  const entries: JournalEntry[] = [];
  let bytes = 0;
  sizes.forEach((size, f) => {
    const file = `f${f}.json`;
    const mine = Array.from({ length: size }, () => entry());
    entries.push(...mine);
    for (let at = 0; at === 0 || at < size; at += 4) {
      bytes += 100;
      const last = at + 4 >= size;
      const batch: ArchiveBatch = { file, entries: mine.slice(at, at + 4), skipped: 1, bytesRead: bytes };
      if (last) batch.done = done(file, size);
      batches.push(batch);
    }
  });
  return { batches, entries };
}

void describe('rebatch', () => {
  void it('hands on every entry once, in order, in batches of exactly the size but the last', async () => {
    const { batches, entries } = files([5, 0, 3, 9, 1, 7]);
    const out = await all(rebatch(from(batches), 6));
    const withEntries = out.filter((b) => b.entries.length > 0);
    // 25 entries in all.
    assert.deepEqual(
      withEntries.map((b) => b.entries.length),
      [6, 6, 6, 6, 1],
    );
    assert.deepEqual(
      out.flatMap((b) => b.entries.map((e) => e.eventId)),
      entries.map((e) => e.eventId),
    );
    assert.equal(
      out.reduce((n, b) => n + b.skipped, 0),
      batches.reduce((n, b) => n + b.skipped, 0),
    );
    assert.ok(out.every((b, i) => i === 0 || b.bytesRead >= out[i - 1]!.bytesRead), 'bytes read never go back');
    assert.equal(out[out.length - 1]!.bytesRead, batches[batches.length - 1]!.bytesRead);
  });

  void it("tells each file's result once, after every entry read before it", async () => {
    const { batches } = files([5, 0, 3, 9, 1, 7]);
    const out = await all(rebatch(from(batches), 6));
    const results = out.filter((b) => b.done);
    assert.deepEqual(
      results.map((b) => b.done?.file),
      ['f0.json', 'f1.json', 'f2.json', 'f3.json', 'f4.json', 'f5.json'],
    );
    assert.ok(results.every((b) => b.entries.length === 0));
    const sizes = [5, 0, 3, 9, 1, 7];
    for (const [f] of sizes.entries()) {
      const at = out.findIndex((b) => b.done?.file === `f${f}.json`);
      const before = out.slice(0, at).reduce((n, b) => n + b.entries.length, 0);
      const readBefore = sizes.slice(0, f + 1).reduce((a, b) => a + b, 0);
      assert.ok(before >= readBefore, `f${f}'s result after its ${readBefore} entries (${before} handed on)`);
    }
  });

  void it('passes a batch of exactly the size on as it is, and ends with the skipped count of an empty read', async () => {
    const whole: ArchiveBatch = { file: 'g.json', entries: Array.from({ length: 6 }, () => entry()), skipped: 0, bytesRead: 900 };
    const out = await all(rebatch(from([whole, { file: 'h.json', entries: [], skipped: 3, bytesRead: 950, done: done('h.json', 0) }]), 6));
    assert.equal(out[0]!.entries, whole.entries);
    assert.deepEqual(
      out.map((b) => [b.entries.length, b.skipped, b.done?.file]),
      [
        [6, 0, undefined],
        [0, 3, 'h.json'],
      ],
    );
  });
});
