import type { EventCategory, JournalEntry, LookupResource } from '../records/index.js';
import { readOnlyCode, readOnlyOf } from '../records/index.js';
import type { ArchiveBatch } from './archive-reader.js';

/**
 * A batch as it crosses from the reader thread to the importing thread: entries as columns. Cloned
 * as objects, 4,096 entries cost the receiving thread about 16 ms to rebuild; as columns, with each
 * repeated value (account, region, name, source, user, key, resource) sent once per batch and the
 * record texts joined into a few strings sliced again on arrival, about 7 ms. The receiving thread
 * is the one that sets an import's pace. (Measured on the benchmark data with v8.serialize/deserialize.)
 */
export interface PackedBatch extends Omit<ArchiveBatch, 'entries'> {
  entries: PackedEntries;
}

interface PackedEntries {
  /** The batch's distinct values; columns hold index + 1 into it, 0 for absent. */
  values: string[];
  eventIds: string[];
  eventTimes: Float64Array;
  accountIds: Uint32Array;
  regions: Uint32Array;
  categories: Uint32Array;
  eventNames: Uint32Array;
  eventSources: Uint32Array;
  usernames: Uint32Array;
  accessKeyIds: Uint32Array;
  /** readOnlyCode of each entry. */
  readOnly: Uint8Array;
  /** Entry i's resources are resourceTypes/resourceNames[resourceStart[i] .. resourceStart[i + 1]). */
  resourceStart: Uint32Array;
  resourceTypes: Uint32Array;
  resourceNames: Uint32Array;
  /** The record texts, concatenated a run at a time (see RAW_RUN); rawLengths in UTF-16 code units. */
  raws: string[];
  rawLengths: Uint32Array;
}

/**
 * Most UTF-16 code units of record text joined into one string. Under V8's large-object size
 * (128 KB, even as two-byte text), each string is made, here and where it arrives, in the young
 * generation's pages, already mapped. One string for a whole batch (about 6 MB) took fresh pages from
 * the kernel on both threads every time, and their page faults cost more than the copying.
 */
const RAW_RUN = 48 * 1024;

export function packBatch(batch: ArchiveBatch): PackedBatch {
  const { entries, ...rest } = batch;
  const n = entries.length;
  const resourceCount = entries.reduce((sum, e) => sum + e.resources.length, 0);
  const values: string[] = [];
  const indexOf = new Map<string, number>();
  const ref = (value: string | undefined): number => {
    if (value === undefined) return 0;
    let index = indexOf.get(value);
    if (index === undefined) {
      index = values.push(value);
      indexOf.set(value, index);
    }
    return index;
  };
  const packed: PackedEntries = {
    values,
    eventIds: new Array<string>(n),
    eventTimes: new Float64Array(n),
    accountIds: new Uint32Array(n),
    regions: new Uint32Array(n),
    categories: new Uint32Array(n),
    eventNames: new Uint32Array(n),
    eventSources: new Uint32Array(n),
    usernames: new Uint32Array(n),
    accessKeyIds: new Uint32Array(n),
    readOnly: new Uint8Array(n),
    resourceStart: new Uint32Array(n + 1),
    resourceTypes: new Uint32Array(resourceCount),
    resourceNames: new Uint32Array(resourceCount),
    raws: [],
    rawLengths: new Uint32Array(n),
  };
  let run: string[] = [];
  let runLength = 0;
  let resource = 0;
  entries.forEach((e, i) => {
    packed.eventIds[i] = e.eventId;
    packed.eventTimes[i] = e.eventTime;
    packed.accountIds[i] = ref(e.accountId);
    packed.regions[i] = ref(e.region);
    packed.categories[i] = ref(e.category);
    packed.eventNames[i] = ref(e.eventName);
    packed.eventSources[i] = ref(e.eventSource);
    packed.usernames[i] = ref(e.username);
    packed.accessKeyIds[i] = ref(e.accessKeyId);
    packed.readOnly[i] = readOnlyCode(e.readOnly);
    for (const r of e.resources) {
      packed.resourceTypes[resource] = ref(r.type);
      packed.resourceNames[resource] = ref(r.name);
      resource++;
    }
    packed.resourceStart[i + 1] = resource;
    // A record longer than a run gets a run to itself.
    if (runLength > 0 && runLength + e.raw.length > RAW_RUN) {
      packed.raws.push(run.join(''));
      run = [];
      runLength = 0;
    }
    run.push(e.raw);
    runLength += e.raw.length;
    packed.rawLengths[i] = e.raw.length;
  });
  if (run.length > 0) packed.raws.push(run.join(''));
  return { ...rest, entries: packed };
}

export function unpackBatch(batch: PackedBatch): ArchiveBatch {
  const { entries: p, ...rest } = batch;
  const value = (index: number): string | undefined => (index === 0 ? undefined : p.values[index - 1]);
  // Fields every entry has were packed as values, never as 0.
  const required = (index: number): string => p.values[index - 1]!;
  const entries = new Array<JournalEntry>(p.eventIds.length);
  let runIndex = 0;
  let rawAt = 0;
  for (let i = 0; i < entries.length; i++) {
    const resources: LookupResource[] = [];
    for (let r = p.resourceStart[i]!; r < p.resourceStart[i + 1]!; r++) {
      const type = value(p.resourceTypes[r]!);
      resources.push(type === undefined ? { name: required(p.resourceNames[r]!) } : { type, name: required(p.resourceNames[r]!) });
    }
    if (rawAt === p.raws[runIndex]!.length && p.rawLengths[i]! > 0) {
      runIndex++;
      rawAt = 0;
    }
    const rawEnd = rawAt + p.rawLengths[i]!;
    // The same key order as toJournalEntry's, so entries have one shape whichever way they came.
    entries[i] = {
      eventId: p.eventIds[i]!,
      accountId: required(p.accountIds[i]!),
      region: required(p.regions[i]!),
      category: required(p.categories[i]!) as EventCategory,
      eventTime: p.eventTimes[i]!,
      eventName: required(p.eventNames[i]!),
      eventSource: required(p.eventSources[i]!),
      readOnly: readOnlyOf(p.readOnly[i]),
      username: value(p.usernames[i]!),
      accessKeyId: value(p.accessKeyIds[i]!),
      resources,
      raw: p.raws[runIndex]!.slice(rawAt, rawEnd),
    };
    rawAt = rawEnd;
  }
  return { ...rest, entries };
}
