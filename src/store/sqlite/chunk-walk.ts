import type { OpenChunk } from './chunk-cache.js';
import type { DecodedChunk } from './chunk-format.js';
import { secondStart } from './postings.js';

/** A chunk that holds at least one event of the driving key, with that key's time span (seconds, see postings.ts). */
export interface Candidate {
  chunk: number;
  tmin: number;
  tmax: number;
}

/** Candidates newest first (by tmax, then chunk id), pulled as the walk needs them. */
export type CandidateSource = () => Candidate | undefined;

export interface Hit {
  chunk: OpenChunk;
  index: number;
  time: number;
  seq: number;
}

export interface WalkOptions {
  next: CandidateSource;
  open(chunk: number): OpenChunk;
  /** The only positions of a chunk that can be in the result, ascending; undefined: every event. */
  positions?(chunk: OpenChunk): Uint32Array | undefined;
  /** Whether event `index` of the chunk belongs in the result. */
  accept(chunk: DecodedChunk, index: number, seq: number): boolean;
  limit: number;
  /** Events newer than this (epoch ms) cannot be in the result: chunks whose span starts after it are skipped. */
  upper?: number;
  /** Stop opening chunks after this many; the result then ends at a boundary every event above has passed. */
  maxChunks?: number;
}

export interface WalkResult {
  /** Newest first, at most limit + 1 (the extra one tells that more follow). */
  hits: Hit[];
  /** Set when maxChunks ran out: every event newer than this (epoch ms) was examined, none at or below. */
  boundary?: number;
}

/**
 * Top-k over chunks visited in descending tmax order: once limit + 1 events are held and the next
 * candidate's tmax is older than the (limit + 1)-th, nothing left can enter the page. Ordered by
 * (eventTime, seq) descending, as LookupEvents pages are.
 */
export function walkChunks(options: WalkOptions): WalkResult {
  const keep = options.limit + 1;
  const hits: Hit[] = [];
  // A chunk holding events of several partitions comes once per partition; it is read once.
  const opened = new Set<number>();
  for (let candidate = options.next(); candidate; candidate = options.next()) {
    if (hits.length >= keep && hits[keep - 1]!.time > secondStart(candidate.tmax)) break;
    if (options.upper !== undefined && secondStart(candidate.tmin) > options.upper) continue;
    if (opened.has(candidate.chunk)) continue;
    if (options.maxChunks !== undefined && opened.size >= options.maxChunks) {
      const boundary = secondStart(candidate.tmax);
      return { hits: hits.filter((h) => h.time > boundary), boundary };
    }
    opened.add(candidate.chunk);
    const chunk = options.open(candidate.chunk);
    const { decoded, firstSeq } = chunk;
    const positions = options.positions?.(chunk);
    const count = positions ? positions.length : decoded.count;
    for (let k = 0; k < count; k++) {
      const i = positions ? positions[k]! : k;
      const time = decoded.time[i]!;
      if (hits.length >= keep && !newer(time, firstSeq + decoded.seqDelta[i]!, hits[keep - 1]!)) continue;
      const seq = firstSeq + decoded.seqDelta[i]!;
      if (!options.accept(decoded, i, seq)) continue;
      insertSorted(hits, { chunk, index: i, time, seq }, keep);
    }
  }
  return { hits };
}

function newer(time: number, seq: number, than: Hit): boolean {
  return time > than.time || (time === than.time && seq > than.seq);
}

/** Inserts keeping newest first, and at most `keep` hits. */
function insertSorted(hits: Hit[], hit: Hit, keep: number): void {
  let at = hits.length;
  while (at > 0 && newer(hit.time, hit.seq, hits[at - 1]!)) at -= 1;
  if (at >= keep) return;
  hits.splice(at, 0, hit);
  if (hits.length > keep) hits.pop();
}

/** Merges several newest-first candidate sources into one (a lookup over several partitions). */
export function mergeSources(sources: CandidateSource[]): CandidateSource {
  if (sources.length === 1) return sources[0]!;
  const heads = sources.map((s) => s());
  return () => {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (!h) continue;
      const b = best >= 0 ? heads[best]! : undefined;
      if (!b || h.tmax > b.tmax || (h.tmax === b.tmax && h.chunk > b.chunk)) best = i;
    }
    if (best < 0) return undefined;
    const out = heads[best];
    heads[best] = sources[best]!();
    return out;
  };
}
