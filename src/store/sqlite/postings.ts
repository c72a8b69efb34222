import type { LookupAttributeKey } from '../types.js';
import type { ChunkEvent, DecodedChunk } from './chunk-format.js';

/**
 * Chunk-level postings: for each (partition, attribute, term) a chunk contains, one row saying so,
 * with the time span of the matching events. A lookup walks a key's rows newest first and opens
 * only chunks that hold a match: a few rows per event instead of one index entry per attribute.
 */
export const ATTR = {
  /** Every event of the partition (lookups without an attribute). */
  All: 0,
  EventName: 1,
  EventSource: 2,
  Username: 3,
  AccessKeyId: 4,
  ReadOnly: 5,
  ResourceName: 6,
  ResourceType: 7,
} as const;

export type AttrCode = (typeof ATTR)[keyof typeof ATTR];

export const ATTR_OF: Record<Exclude<LookupAttributeKey, 'EventId'>, AttrCode> = {
  EventName: ATTR.EventName,
  EventSource: ATTR.EventSource,
  Username: ATTR.Username,
  AccessKeyId: ATTR.AccessKeyId,
  ReadOnly: ATTR.ReadOnly,
  ResourceName: ATTR.ResourceName,
  ResourceType: ATTR.ResourceType,
};

/**
 * Postings keep times in whole seconds since 2020-01-01 (a 4-byte integer in SQLite): fine enough
 * that a busy server's newest page, recorded calls a few milliseconds apart in many small chunks,
 * opens the chunks of one second at most (minutes opened hundreds).
 */
const EPOCH_MS = Date.UTC(2020, 0, 1);
export const SECOND_MS = 1_000;
export const floorSecond = (ms: number): number => Math.floor((ms - EPOCH_MS) / SECOND_MS);
export const ceilSecond = (ms: number): number => Math.ceil((ms - EPOCH_MS) / SECOND_MS);
/** The epoch ms at which a second number starts. */
export const secondStart = (second: number): number => EPOCH_MS + second * SECOND_MS;

export interface Posting {
  part: number;
  attr: AttrCode;
  term: number;
  /** Time span of the matching events, in seconds since 2020 (floor / ceil of their eventTimes). */
  tmin: number;
  tmax: number;
}

/** Whether event i of the chunk carries (attr, term). */
export function matches(chunk: DecodedChunk, i: number, attr: AttrCode, term: number): boolean {
  const column = columnOf(chunk, attr);
  if (column) return column[i] === term;
  if (attr === ATTR.All) return true;
  const offset = attr === ATTR.ResourceType ? 0 : 1;
  for (let r = chunk.resourceStart[i]!; r < chunk.resourceStart[i + 1]!; r++) {
    if (chunk.resourceTerms[2 * r + offset] === term) return true;
  }
  return false;
}

/**
 * Positions of the chunk's events of partition `part` that carry (attr, term), ascending: the events
 * a walk driven by that key must test. One tight pass over a column instead of every filter per event.
 */
export function positionsOf(chunk: DecodedChunk, part: number, attr: AttrCode, term: number): Uint32Array {
  const found = new Uint32Array(chunk.count);
  let n = 0;
  const column = columnOf(chunk, attr);
  for (let i = 0; i < chunk.count; i++) {
    if (chunk.part[i] !== part) continue;
    if (column ? column[i] === term : matches(chunk, i, attr, term)) found[n++] = i;
  }
  return found.subarray(0, n);
}

/** The column holding an attribute's one term per event; undefined for All and the resource attributes. */
function columnOf(chunk: DecodedChunk, attr: AttrCode): Uint32Array | Uint8Array | undefined {
  switch (attr) {
    case ATTR.EventName:
      return chunk.name;
    case ATTR.EventSource:
      return chunk.source;
    case ATTR.Username:
      return chunk.user;
    case ATTR.AccessKeyId:
      return chunk.akid;
    case ATTR.ReadOnly:
      return chunk.readOnly;
    default:
      return undefined;
  }
}

/** Gathers one posting per (partition, attribute, term) with the time span of its events. */
class PostingCollector {
  /** By part * 8 + attr, then by term: numeric keys, no string building per event. */
  private readonly byKey = new Map<number, Map<number, Posting>>();

  add(part: number, attr: AttrCode, term: number, time: number): void {
    const key = part * 8 + attr;
    let terms = this.byKey.get(key);
    if (!terms) {
      terms = new Map();
      this.byKey.set(key, terms);
    }
    const lo = floorSecond(time);
    const hi = ceilSecond(time);
    const known = terms.get(term);
    if (known) {
      if (lo < known.tmin) known.tmin = lo;
      if (hi > known.tmax) known.tmax = hi;
    } else terms.set(term, { part, attr, term, tmin: lo, tmax: hi });
  }

  /** Every posting of one event. */
  addEvent(part: number, time: number, fields: { name: number; source: number; user: number; akid: number; readOnly: number }, resources: ArrayLike<number>, from: number, to: number): void {
    this.add(part, ATTR.All, 0, time);
    this.add(part, ATTR.EventName, fields.name, time);
    this.add(part, ATTR.EventSource, fields.source, time);
    if (fields.user !== 0) this.add(part, ATTR.Username, fields.user, time);
    if (fields.akid !== 0) this.add(part, ATTR.AccessKeyId, fields.akid, time);
    if (fields.readOnly !== 2) this.add(part, ATTR.ReadOnly, fields.readOnly, time);
    for (let r = from; r < to; r += 2) {
      const type = resources[r]!;
      if (type !== 0) this.add(part, ATTR.ResourceType, type, time);
      this.add(part, ATTR.ResourceName, resources[r + 1]!, time);
    }
  }

  result(): Posting[] {
    const out: Posting[] = [];
    for (const terms of this.byKey.values()) for (const p of terms.values()) out.push(p);
    return out;
  }
}

/** The postings of a stored chunk. */
export function postingsOf(chunk: DecodedChunk): Posting[] {
  const collector = new PostingCollector();
  for (let i = 0; i < chunk.count; i++) {
    const fields = { name: chunk.name[i]!, source: chunk.source[i]!, user: chunk.user[i]!, akid: chunk.akid[i]!, readOnly: chunk.readOnly[i]! };
    collector.addEvent(chunk.part[i]!, chunk.time[i]!, fields, chunk.resourceTerms, 2 * chunk.resourceStart[i]!, 2 * chunk.resourceStart[i + 1]!);
  }
  return collector.result();
}

/** The postings of events about to be written (the same as postingsOf their chunk). */
export function postingsOfEvents(events: readonly ChunkEvent[]): Posting[] {
  const collector = new PostingCollector();
  for (const e of events) collector.addEvent(e.part, e.time, e, e.resources, 0, e.resources.length);
  return collector.result();
}
