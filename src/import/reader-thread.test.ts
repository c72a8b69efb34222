import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { record as testRecord } from '../store/testing/index.js';
import { listArchiveFiles, readListedFiles } from './archive-reader.js';
import type { ArchiveBatch, ReadOptions } from './archive-reader.js';
import { readListedFilesOnThread } from './reader-thread.js';
import { rebatch } from './rebatch.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cloudtrail');

async function all(batches: AsyncIterable<ArchiveBatch>): Promise<ArchiveBatch[]> {
  const out: ArchiveBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

/** Record `i`, with an eventID the test can name. */
function record(i: number): Record<string, unknown> {
  return testRecord({ eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` });
}

void describe('readListedFilesOnThread', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-reader-thread-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('yields exactly the batches readListedFiles yields, regrouped by rebatch, failed and ignored files included', async () => {
    const listing = await listArchiveFiles([FIXTURES, join(dir, 'missing.json')]);
    const options = { batchSize: 50, fallback: { accountId: '123456789012', region: 'eu-west-1' } };
    const here = await all(rebatch(readListedFiles(listing, options), 50));
    const threaded = await all(readListedFilesOnThread(listing, options));
    assert.ok(here.some((b) => b.done?.status === 'failed') && here.some((b) => b.done?.status === 'ignored'));
    assert.ok(here.reduce((n, b) => n + b.entries.length, 0) > 500);
    assert.deepEqual(threaded, here);
  });

  void it('asks this thread to decrypt, and fails just the file whose decryption fails', async () => {
    const files = [0, 1, 2, 3].map((n) => {
      const path = join(dir, `part-${n}.json.gz`);
      writeFileSync(path, n === 1 ? Buffer.from('ciphertext') : gzipSync(JSON.stringify({ Records: [record(n)] })));
      return path;
    });
    const asked: string[] = [];
    const options: ReadOptions & { batchSize: number } = {
      batchSize: 10,
      decrypt: (path) => {
        asked.push(path);
        if (path === files[1]) return Promise.resolve(Buffer.from(JSON.stringify({ Records: [record(1)] })));
        if (path === files[2]) return Promise.reject(new Error('The object does not match its envelope'));
        return Promise.resolve(undefined);
      },
    };
    const listing = await listArchiveFiles(files);
    const threaded = await all(readListedFilesOnThread(listing, options));
    assert.deepEqual(
      threaded.flatMap((b) => b.entries.map((e) => e.eventId)),
      [0, 1, 3].map((n) => record(n).eventID),
    );
    assert.deepEqual(
      threaded.filter((b) => b.done).map((b) => [b.done?.status, b.done?.reason]),
      [['ok', undefined], ['ok', undefined], ['failed', 'The object does not match its envelope'], ['ok', undefined]],
    );
    assert.deepEqual([...new Set(asked)].sort(), [...files].sort());
    asked.length = 0;
    assert.deepEqual(threaded, await all(rebatch(readListedFiles(listing, options), 10)));
  });

  void it('stops the thread when the consumer stops early', async () => {
    const files = Array.from({ length: 40 }, (_, n) => {
      const path = join(dir, `many-${String(n).padStart(2, '0')}.json`);
      writeFileSync(path, JSON.stringify({ Records: [record(100 + n)] }));
      return path;
    });
    let taken = 0;
    for await (const batch of readListedFilesOnThread(await listArchiveFiles(files), { batchSize: 1 })) {
      taken += batch.entries.length;
      if (taken === 3) break;
    }
    assert.equal(taken, 3);
  });
});
