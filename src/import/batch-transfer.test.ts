import assert from 'node:assert/strict';
import { serialize, deserialize } from 'node:v8';
import { describe, it } from 'node:test';
import { toJournalEntry } from '../records/index.js';
import { record } from '../store/testing/index.js';
import type { ArchiveBatch } from './archive-reader.js';
import { packBatch, unpackBatch } from './batch-transfer.js';

function entry(overrides: Record<string, unknown>, text?: string) {
  const value = record(overrides);
  return toJournalEntry(text ?? JSON.stringify(value), value);
}

/** What the importing thread gets: the packed batch after a structured clone, unpacked. */
function across(batch: ArchiveBatch): ArchiveBatch {
  return unpackBatch(deserialize(serialize(packBatch(batch))) as ReturnType<typeof packBatch>);
}

void describe('packBatch / unpackBatch', () => {
  void it('gives back the same entries, absent fields absent and every record text byte for byte', () => {
    const entries = [
      entry({}),
      entry({ readOnly: false, userIdentity: { type: 'Unknown' } }),
      entry({ readOnly: undefined, eventCategory: 'Data', eventName: 'GetObject', eventSource: 's3.amazonaws.com' }),
      // Resources with and without a type, one named like another entry's field.
      entry({
        resources: [
          { ARN: 'arn:aws:s3:::bucket/key', type: 'AWS::S3::Object' },
          { ARN: 'ec2.amazonaws.com' },
          { ARN: 'arn:aws:s3:::bucket', type: 'AWS::S3::Bucket' },
        ],
      }),
      // Texts that are not the JSON.stringify of the record, with non-ASCII and astral characters.
      entry({ eventName: 'PutObject' }, `{ "eventName" : "PutObject", "note": "héllo wörld ✓ 🚀 日本語" }`),
      entry({ awsRegion: 'ap-southeast-2', recipientAccountId: '999988887777' }, '{"x":"\\u00e9\\ud83d\\ude80"}'),
    ];
    assert.ok(entries.some((e) => e.readOnly === undefined) && entries.some((e) => e.username === undefined));
    assert.ok(entries.some((e) => e.resources.some((r) => r.type === undefined)));
    const batch: ArchiveBatch = { file: '/data/a.json', entries, skipped: 2, bytesRead: 12345, done: { status: 'ok' } as ArchiveBatch['done'] };
    assert.deepEqual(across(batch), batch);
  });

  void it('slices texts back out of several joined runs, a text longer than a run included', () => {
    const pad = (n: number): string => 'x'.repeat(n);
    const sizes = [30_000, 18_000, 1, 60_000, 49_151, 49_152, 2, 100_000, 5];
    const entries = sizes.map((n, i) => entry({ eventID: `id-${i}` }, `{"eventID":"id-${i}","pad":"${pad(n)}","é":"${'ü'.repeat(i)}"}`));
    const packed = packBatch({ file: '/data/c.json', entries, skipped: 0, bytesRead: 1 });
    assert.ok(packed.entries.raws.length > 3, `texts go in several runs (${packed.entries.raws.length})`);
    const batch: ArchiveBatch = { file: '/data/c.json', entries, skipped: 0, bytesRead: 1 };
    assert.deepEqual(across(batch), batch);
  });

  void it('carries a batch without entries, and one without a done file', () => {
    const empty: ArchiveBatch = { file: '/data/b.json', entries: [], skipped: 0, bytesRead: 0 };
    assert.deepEqual(across(empty), empty);
  });
});
