import { ByteReader, ByteWriter } from './byte-codec.js';
import { bytesToUuid, isCompactEventId, uuidToBytes } from './event-id.js';

/**
 * The plain (uncompressed) layout of a journal chunk: a run of consecutive events, their index
 * fields as varint columns, then their record texts. Term ids are the store's interned strings;
 * 0 means absent. Seqs and received times are deltas from the chunk row's own columns, so a chunk
 * can be compressed before its seqs are known and merged without re-encoding its records.
 */
export interface ChunkEvent {
  seqDelta: number;
  receivedDelta: number;
  eventId: string;
  /** eventTime, epoch ms. */
  time: number;
  part: number;
  name: number;
  source: number;
  user: number;
  akid: number;
  /** records' readOnlyCode: 0 false, 1 true, 2 absent. */
  readOnly: number;
  /** Pairs of (type term or 0, name term). */
  resources: number[];
  raw: string;
}

const FORMAT = 1;
const ID_TEXT = 0;
const ID_UUID = 1;

export function encodeChunk(events: readonly ChunkEvent[]): Buffer {
  const records = encodeRecords(events.map((e) => e.raw));
  return Buffer.concat([encodeChunkMeta(events, records.lengths), records.bytes]);
}

/**
 * A chunk's records part alone: its record texts as UTF-8, one after another, and each one's byte
 * length. It can be made (and compressed) away from the store, by whoever holds the texts.
 */
export function encodeRecords(raws: readonly string[]): { bytes: Buffer; lengths: Uint32Array } {
  const records = new ByteWriter(raws.length * 2048);
  const lengths = new Uint32Array(raws.length);
  raws.forEach((raw, i) => (lengths[i] = records.utf8(raw)));
  return { bytes: records.result(), lengths };
}

/** A chunk's plain layout up to its records: the metadata, which holds the records' byte lengths. */
export function encodeChunkMeta(events: readonly ChunkEvent[], lengths: ArrayLike<number>): Buffer {
  if (lengths.length !== events.length) throw new Error(`chunk of ${events.length} events given ${lengths.length} record lengths`);
  const meta = new ByteWriter(64 + events.length * 48);
  meta.uint(FORMAT);
  meta.uint(events.length);
  let previousTime = 0;
  events.forEach((e, i) => {
    meta.uint(e.seqDelta);
    meta.int(e.receivedDelta);
    meta.int(e.time - previousTime);
    previousTime = e.time;
    meta.uint(e.part);
    meta.uint(e.name);
    meta.uint(e.source);
    meta.uint(e.user);
    meta.uint(e.akid);
    meta.byte(e.readOnly);
    meta.uint(e.resources.length / 2);
    for (const term of e.resources) meta.uint(term);
    if (isCompactEventId(e.eventId)) {
      meta.byte(ID_UUID);
      meta.bytes(uuidToBytes(e.eventId));
    } else {
      meta.byte(ID_TEXT);
      meta.uint(Buffer.byteLength(e.eventId));
      meta.utf8(e.eventId);
    }
    meta.uint(lengths[i]!);
  });
  return meta.result();
}

/** A decoded chunk: column arrays indexed by position, and each record's bytes on demand. */
export class DecodedChunk {
  readonly count: number;
  readonly seqDelta: Float64Array;
  readonly receivedDelta: Float64Array;
  readonly time: Float64Array;
  readonly part: Uint32Array;
  readonly name: Uint32Array;
  readonly source: Uint32Array;
  readonly user: Uint32Array;
  readonly akid: Uint32Array;
  readonly readOnly: Uint8Array;
  /** Resources of event i are terms resourceTerms[2*resourceStart[i] .. 2*resourceStart[i+1]). */
  readonly resourceStart: Uint32Array;
  readonly resourceTerms: number[] = [];
  readonly eventIds: string[] = [];
  private readonly rawStart: Float64Array;
  private readonly records: Buffer;

  constructor(plain: Buffer) {
    const r = new ByteReader(plain);
    const format = r.uint();
    if (format !== FORMAT) throw new Error(`unknown chunk format ${format}`);
    const n = r.uint();
    this.count = n;
    this.seqDelta = new Float64Array(n);
    this.receivedDelta = new Float64Array(n);
    this.time = new Float64Array(n);
    this.part = new Uint32Array(n);
    this.name = new Uint32Array(n);
    this.source = new Uint32Array(n);
    this.user = new Uint32Array(n);
    this.akid = new Uint32Array(n);
    this.readOnly = new Uint8Array(n);
    this.resourceStart = new Uint32Array(n + 1);
    this.rawStart = new Float64Array(n + 1);
    let time = 0;
    let rawAt = 0;
    for (let i = 0; i < n; i++) {
      this.seqDelta[i] = r.uint();
      this.receivedDelta[i] = r.int();
      time += r.int();
      this.time[i] = time;
      this.part[i] = r.uint();
      this.name[i] = r.uint();
      this.source[i] = r.uint();
      this.user[i] = r.uint();
      this.akid[i] = r.uint();
      this.readOnly[i] = r.byte();
      const resources = r.uint();
      for (let k = 0; k < resources * 2; k++) this.resourceTerms.push(r.uint());
      this.resourceStart[i + 1] = this.resourceStart[i]! + resources;
      const kind = r.byte();
      this.eventIds.push(kind === ID_UUID ? bytesToUuid(r.bytes(16)) : r.bytes(r.uint()).toString('utf8'));
      this.rawStart[i] = rawAt;
      rawAt += r.uint();
    }
    this.rawStart[n] = rawAt;
    this.records = plain.subarray(r.offset);
    if (this.records.length !== rawAt) throw new Error('chunk records do not match their lengths');
  }

  raw(i: number): string {
    return this.records.toString('utf8', this.rawStart[i], this.rawStart[i + 1]);
  }

  /**
   * Bytes held in memory (for the cache's budget): the records count twice, as bytes and as the
   * strings of the events handed out (toStoredEvent); per event, the columns and that event's object.
   */
  get size(): number {
    return 2 * this.records.length + this.count * 160;
  }

  /** The event as a ChunkEvent again (for merging and rewriting chunks). */
  event(i: number): ChunkEvent {
    return {
      seqDelta: this.seqDelta[i]!,
      receivedDelta: this.receivedDelta[i]!,
      eventId: this.eventIds[i]!,
      time: this.time[i]!,
      part: this.part[i]!,
      name: this.name[i]!,
      source: this.source[i]!,
      user: this.user[i]!,
      akid: this.akid[i]!,
      readOnly: this.readOnly[i]!,
      resources: this.resourceTerms.slice(2 * this.resourceStart[i]!, 2 * this.resourceStart[i + 1]!),
      raw: this.raw(i),
    };
  }
}
