import type Database from 'better-sqlite3';
import { isAfterCursor } from '../query-match.js';
import type { AttributeFilter, EventPage, EventQuery } from '../types.js';
import type { OpenChunk } from './chunk-cache.js';
import type { DecodedChunk } from './chunk-format.js';
import type { ChunkJournal } from './chunk-journal.js';
import type { PostingsCache } from './postings-cache.js';
import { postingsKey } from './postings-cache.js';
import { MAX_CHUNK_SPAN_MS } from './chunk-groups.js';
import type { Candidate, CandidateSource } from './chunk-walk.js';
import { mergeSources, walkChunks } from './chunk-walk.js';
import type { AttrCode } from './postings.js';
import { ATTR, ATTR_OF, SECOND_MS, ceilSecond, floorSecond, matches, positionsOf } from './postings.js';
import { partKey, toStoredEvent } from './stored-event.js';
import type { StringTable } from './string-table.js';

/** Chunks a free-text search opens per page before handing back a cursor. */
const TEXT_SCAN_CHUNKS = 400;
/** Postings rows read per round; doubled each round of one lookup. */
const FIRST_POSTINGS_PAGE = 16;
const MAX_POSTINGS_PAGE = 2048;
/** Which attribute drives a lookup that has several: the one likely to match fewest events. */
const SELECTIVITY: readonly AttributeFilter['key'][] = ['EventId', 'ResourceName', 'AccessKeyId', 'Username', 'EventName', 'ResourceType', 'EventSource', 'ReadOnly'];

interface Condition {
  attr: AttrCode;
  term: number;
}

/**
 * Event-history lookups: the most selective filter's postings drive a walk over chunks newest first
 * (walkChunks); every other filter, the time range, the cursor and free text are tested per event.
 */
export class EventLookup {
  private readonly postings;

  constructor(
    db: Database.Database,
    private readonly strings: StringTable,
    private readonly journal: ChunkJournal,
    private readonly postingsCache: PostingsCache,
  ) {
    // The row value keeps (tmax, chunk) an index range: spelled with OR, SQLite scanned from the key's newest row.
    // Raw rows (arrays): better-sqlite3 builds a row object about twice as slowly as JavaScript does.
    this.postings = db
      .prepare<[number, number, number, number, number, number, number], [chunk: number, tmin: number, tmax: number]>(
        'SELECT chunk, tmax - span AS tmin, tmax FROM postings WHERE part = ? AND attr = ? AND term = ? AND tmax >= ? AND (tmax, chunk) < (?, ?) ORDER BY tmax DESC, chunk DESC LIMIT ?',
      )
      .raw(true);
  }

  /** Call inside a read transaction begun with `ChunkJournal.beganRead` (SqliteEventStore.query). */
  run(query: EventQuery): EventPage {
    const parts = new Set<number>();
    for (const category of query.categories) {
      const id = this.strings.find(partKey(query.accountId, query.region, category));
      if (id !== undefined) parts.add(id);
    }
    if (parts.size === 0) return { events: [] };
    const filters = [...query.attributes].sort((a, b) => SELECTIVITY.indexOf(a.key) - SELECTIVITY.indexOf(b.key));
    const eventId = filters.find((f) => f.key === 'EventId');
    const conditions: Condition[] = [];
    for (const filter of filters) {
      if (filter.key === 'EventId') continue;
      const condition = this.condition(filter);
      if (!condition) return { events: [] };
      conditions.push(condition);
    }
    const ids = filters.filter((f) => f.key === 'EventId').map((f) => f.value);
    if (new Set(ids).size > 1) return { events: [] };
    const needle = query.text?.toLowerCase();
    const accept = (chunk: DecodedChunk, i: number, seq: number): boolean => {
      const time = chunk.time[i]!;
      if (!parts.has(chunk.part[i]!)) return false;
      if (query.startTime !== undefined && time < query.startTime) return false;
      if (query.endTime !== undefined && time > query.endTime) return false;
      if (query.after && !isAfterCursor(time, seq, query.after)) return false;
      for (const c of conditions) if (!matches(chunk, i, c.attr, c.term)) return false;
      if (eventId && chunk.eventIds[i] !== eventId.value) return false;
      return needle === undefined || chunk.raw(i).toLowerCase().includes(needle);
    };
    const drive = eventId ? undefined : (conditions[0] ?? { attr: ATTR.All, term: 0 });
    const upper = Math.min(query.endTime ?? Infinity, query.after?.eventTime ?? Infinity);
    const next = drive
      ? mergeSources([...parts].map((part) => this.postingsSource(part, drive, query.startTime, upper)))
      : this.eventIdSource(eventId!.value);
    const [onlyPart] = parts.size === 1 ? parts : [];
    const driving = drive && onlyPart !== undefined ? { key: postingsKey(onlyPart, drive.attr, drive.term), part: onlyPart, ...drive } : undefined;
    const result = walkChunks({
      next,
      open: (id) => this.journal.open(id),
      positions: driving ? (chunk) => drivingPositions(chunk, driving) : undefined,
      accept,
      limit: query.limit,
      upper: upper === Infinity ? undefined : upper,
      maxChunks: needle === undefined ? undefined : TEXT_SCAN_CHUNKS,
    });
    const page = result.hits.slice(0, query.limit).map((hit) => toStoredEvent(this.strings, hit.chunk, hit.index));
    if (result.hits.length > query.limit) {
      const last = page[page.length - 1]!;
      return { events: page, next: { eventTime: last.eventTime, seq: last.seq } };
    }
    if (result.boundary !== undefined) return { events: page, next: { eventTime: result.boundary, seq: Number.MAX_SAFE_INTEGER } };
    return { events: page };
  }

  private condition(filter: AttributeFilter): Condition | undefined {
    const attr = ATTR_OF[filter.key as Exclude<AttributeFilter['key'], 'EventId'>];
    if (attr === ATTR.ReadOnly) {
      if (filter.value !== 'true' && filter.value !== 'false') return undefined;
      return { attr, term: filter.value === 'true' ? 1 : 0 };
    }
    const term = this.strings.find(filter.value);
    return term === undefined ? undefined : { attr, term };
  }

  /** A key's postings, newest first, read from SQLite a page at a time as the walk asks for more. */
  private postingsSource(part: number, condition: Condition, startTime: number | undefined, upper: number): CandidateSource {
    const lowest = startTime === undefined ? -Number.MAX_SAFE_INTEGER : floorSecond(startTime);
    let buffered: Candidate[] = [];
    let at = 0;
    let pageSize = FIRST_POSTINGS_PAGE;
    let exhausted = false;
    // A chunk holding an event at or below `upper` has its tmax within one chunk span above it.
    let tmax = upper === Infinity ? Number.MAX_SAFE_INTEGER : ceilSecond(upper) + Math.ceil(MAX_CHUNK_SPAN_MS / SECOND_MS) + 1;
    let chunk = Number.MAX_SAFE_INTEGER;
    return () => {
      if (at === buffered.length) {
        if (exhausted) return undefined;
        const bounds = `${lowest}:${tmax}:${chunk}:${pageSize}`;
        const cached = this.postingsCache.get(part, condition.attr, condition.term, bounds);
        if (cached) {
          buffered = cached;
        } else {
          buffered = this.postings.all(part, condition.attr, condition.term, lowest, tmax, chunk, pageSize).map(([id, tmin, max]) => ({ chunk: id, tmin, tmax: max }));
          this.postingsCache.set(part, condition.attr, condition.term, bounds, buffered);
        }
        at = 0;
        exhausted = buffered.length < pageSize;
        pageSize = Math.min(pageSize * 2, MAX_POSTINGS_PAGE);
        const last = buffered[buffered.length - 1];
        if (!last) return undefined;
        tmax = last.tmax;
        chunk = last.chunk;
      }
      return buffered[at++];
    };
  }

  /** The single chunk that can hold an eventID (an EventId lookup). */
  private eventIdSource(eventId: string): CandidateSource {
    const found = this.journal.find(eventId);
    let given = false;
    return () => {
      if (given || !found) return undefined;
      given = true;
      const time = found.chunk.decoded.time[found.index]!;
      return { chunk: found.chunk.firstSeq, tmin: floorSecond(time), tmax: ceilSecond(time) };
    };
  }
}

/** Driving keys remembered per cached chunk; past this the chunk starts again (a bound on memory, rarely reached). */
const POSITIONS_PER_CHUNK = 32;

/** The chunk's events of the driving key, kept on the cached chunk: the mix of lookups repeats its keys. */
function drivingPositions(chunk: OpenChunk, driving: Condition & { key: string; part: number }): Uint32Array {
  let positions = chunk.positions.get(driving.key);
  if (!positions) {
    if (chunk.positions.size >= POSITIONS_PER_CHUNK) chunk.positions.clear();
    positions = positionsOf(chunk.decoded, driving.part, driving.attr, driving.term);
    chunk.positions.set(driving.key, positions);
  }
  return positions;
}
