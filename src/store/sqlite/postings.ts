import type { LookupAttributeKey } from '../types.js';
import type { DecodedChunk } from './chunk-format.js';

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
 * Postings keep times in whole minutes since 2020-01-01: a 3-byte integer in SQLite until 2035,
 * fine enough that the walk rarely opens a chunk it did not need.
 */
const EPOCH_MS = Date.UTC(2020, 0, 1);
export const MINUTE_MS = 60_000;
export const floorMinute = (ms: number): number => Math.floor((ms - EPOCH_MS) / MINUTE_MS);
export const ceilMinute = (ms: number): number => Math.ceil((ms - EPOCH_MS) / MINUTE_MS);
/** The epoch ms at which a minute number starts. */
export const minuteStart = (minute: number): number => EPOCH_MS + minute * MINUTE_MS;

export interface Posting {
  part: number;
  attr: AttrCode;
  term: number;
  /** Time span of the matching events, in minutes (floor / ceil of their eventTimes). */
  tmin: number;
  tmax: number;
}

/** Whether event i of the chunk carries (attr, term). */
export function matches(chunk: DecodedChunk, i: number, attr: AttrCode, term: number): boolean {
  switch (attr) {
    case ATTR.All:
      return true;
    case ATTR.EventName:
      return chunk.name[i] === term;
    case ATTR.EventSource:
      return chunk.source[i] === term;
    case ATTR.Username:
      return chunk.user[i] === term;
    case ATTR.AccessKeyId:
      return chunk.akid[i] === term;
    case ATTR.ReadOnly:
      return chunk.readOnly[i] === term;
    case ATTR.ResourceName:
    case ATTR.ResourceType: {
      const offset = attr === ATTR.ResourceType ? 0 : 1;
      for (let r = chunk.resourceStart[i]!; r < chunk.resourceStart[i + 1]!; r++) {
        if (chunk.resourceTerms[2 * r + offset] === term) return true;
      }
      return false;
    }
  }
}

export function postingsOf(chunk: DecodedChunk): Posting[] {
  const found = new Map<string, Posting>();
  const add = (part: number, attr: AttrCode, term: number, time: number): void => {
    const key = `${part},${attr},${term}`;
    const lo = floorMinute(time);
    const hi = ceilMinute(time);
    const known = found.get(key);
    if (known) {
      if (lo < known.tmin) known.tmin = lo;
      if (hi > known.tmax) known.tmax = hi;
    } else found.set(key, { part, attr, term, tmin: lo, tmax: hi });
  };
  for (let i = 0; i < chunk.count; i++) {
    const part = chunk.part[i]!;
    const time = chunk.time[i]!;
    add(part, ATTR.All, 0, time);
    add(part, ATTR.EventName, chunk.name[i]!, time);
    add(part, ATTR.EventSource, chunk.source[i]!, time);
    if (chunk.user[i] !== 0) add(part, ATTR.Username, chunk.user[i]!, time);
    if (chunk.akid[i] !== 0) add(part, ATTR.AccessKeyId, chunk.akid[i]!, time);
    if (chunk.readOnly[i] !== 2) add(part, ATTR.ReadOnly, chunk.readOnly[i]!, time);
    for (let r = chunk.resourceStart[i]!; r < chunk.resourceStart[i + 1]!; r++) {
      const type = chunk.resourceTerms[2 * r]!;
      if (type !== 0) add(part, ATTR.ResourceType, type, time);
      add(part, ATTR.ResourceName, chunk.resourceTerms[2 * r + 1]!, time);
    }
  }
  return [...found.values()];
}
