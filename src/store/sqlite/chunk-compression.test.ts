import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkCompression } from './chunk-compression.js';
import type { ChunkEvent } from './chunk-format.js';
import { encodeChunk, encodeChunkMeta, encodeRecords } from './chunk-format.js';

const events: ChunkEvent[] = Array.from({ length: 40 }, (_, i) => ({
  seqDelta: i,
  receivedDelta: 0,
  eventId: `0f5c4a9e-1d2b-4c3d-8e7f-${String(i).padStart(12, '0')}`,
  time: Date.UTC(2025, 0, 1) + i * 1000,
  part: 1,
  name: 2 + (i % 3),
  source: 5,
  user: i % 2,
  akid: 0,
  readOnly: i % 3,
  resources: i % 4 === 0 ? [6, 7] : [],
  raw: JSON.stringify({ eventID: i, note: i % 5 === 0 ? 'naïve ✓ 🚀' : 'plain', pad: 'x'.repeat(i * 10) }),
}));

function compression(): ChunkCompression {
  const c = new ChunkCompression(() => undefined);
  c.add(1, Buffer.from(events.map((e) => e.raw).join('')));
  return c;
}

void describe('ChunkCompression', () => {
  void it('reads a chunk of two frames (metadata, records) as its plain layout', () => {
    const c = compression();
    const records = encodeRecords(events.map((e) => e.raw));
    const data = c.compressBeside(encodeChunkMeta(events, records.lengths), c.compress(records.bytes), records.bytes.length);
    assert.deepEqual(c.decompress(data), encodeChunk(events));
  });

  void it('still reads a chunk of one frame, as chunks were written before', () => {
    const c = compression();
    assert.deepEqual(c.decompress(c.compress(encodeChunk(events))), encodeChunk(events));
  });

  void it('refuses records compressed with a dictionary it does not have', () => {
    const c = compression();
    const other = new ChunkCompression(() => undefined);
    other.add(3, Buffer.from('some other dictionary content'));
    const records = encodeRecords(events.map((e) => e.raw));
    assert.throws(() => c.compressBeside(encodeChunkMeta(events, records.lengths), other.compress(records.bytes), records.bytes.length), /dictionary 3 is not loaded/);
  });
});
