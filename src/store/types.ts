import type { EventCategory, JournalEntry, StoredEvent, UserIdentity } from '../records/index.js';
import type { DeliveryState, SigningKey, TrailConfig, TrailStatus } from '../trails/index.js';
import type { ChunkRecipe, PreparedChunks } from './sqlite/chunk-preparation.js';

/** The eight LookupEvents attributes, by their wire names. */
export type LookupAttributeKey =
  | 'EventId'
  | 'EventName'
  | 'ReadOnly'
  | 'Username'
  | 'ResourceType'
  | 'ResourceName'
  | 'EventSource'
  | 'AccessKeyId';

export interface AttributeFilter {
  key: LookupAttributeKey;
  value: string;
}

/** A position in newest-first order: the last event of a page. */
export interface EventCursor {
  eventTime: number;
  seq: number;
  /**
   * Set when the position is a recorded call the store has not numbered yet (still in the intake
   * log, see journal/pending-page.ts): its seq is provisional, and the event is found again by id.
   */
  eventId?: string;
}

export interface EventQuery {
  accountId: string;
  region: string;
  categories: readonly EventCategory[];
  /** Every filter must match (LookupEvents sends at most one). */
  attributes: readonly AttributeFilter[];
  /** Inclusive bounds, epoch ms. */
  startTime?: number;
  endTime?: number;
  /** Case-insensitive substring of the record text (the combined search only). */
  text?: string;
  limit: number;
  /** Continue after this position. */
  after?: EventCursor;
}

export interface EventPage {
  events: StoredEvent[];
  /** Present when more events may follow. */
  next?: EventCursor;
}

export interface AppendResult {
  inserted: number;
  duplicates: number;
}

/** Work done ahead on one append's entries, elsewhere (appendPreparer): the SQLite store's chunks. */
export type AppendRecipe = ChunkRecipe;
export type PreparedAppend = PreparedChunks;

export interface AppendOptions {
  /** Made for exactly these entries from the store's `appendRecipe`; the store does the work itself when it cannot use it. */
  prepared?: PreparedAppend;
}

/**
 * The durable, ordered event journal and its event-history index.
 * `append` resolves only once the entries are durable; an eventID already stored is skipped.
 */
export interface EventStore {
  append(entries: readonly JournalEntry[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * What a thread needs to prepare this store's appends (`appendPreparer`), for a bulk writer that
   * reads on one thread and appends on another; undefined when there is nothing to prepare now.
   */
  appendRecipe?(): AppendRecipe | undefined;
  query(query: EventQuery): Promise<EventPage>;
  /**
   * Up to `limit` events with seq greater than `afterSeq`, in append (seq) order, across every
   * account, region and category: how consumers such as trail delivery follow the journal by cursor.
   */
  readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The highest seq stored (0 when empty). */
  lastSeq(): Promise<number>;
  /** Deletes up to `maxEvents` of the events received before `cutoff` (epoch ms); returns how many. */
  purgeReceivedBefore(cutoff: number, maxEvents: number): Promise<number>;
  count(): Promise<number>;
  /**
   * Background upkeep: merges the small chunks that single recorded calls produce into larger,
   * better-compressed ones. Returns how many events moved (0 when nothing was worth doing).
   */
  compact(): Promise<number>;
  /** On-disk size in bytes of what the store holds (for benchmarks and status). */
  storedBytes(): Promise<number>;
}

export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole';

/** An access key Cairn accepts, and the principal it signs as. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  principalType: PrincipalType;
  /** User name, or role name for AssumedRole. */
  principalName?: string;
  /** Session name for AssumedRole. */
  sessionName?: string;
  createdAt: number;
}

export interface CredentialStore {
  get(accessKeyId: string): Promise<Credential | undefined>;
  put(credential: Credential): Promise<void>;
  list(): Promise<Credential[]>;
  delete(accessKeyId: string): Promise<boolean>;
}

/** Small named settings that must survive restarts (e.g. the pagination-token key). */
export interface SettingsStore {
  get(name: string): Promise<string | undefined>;
  /** Stores `value` unless a value exists; returns the value now stored. */
  putIfAbsent(name: string, value: string): Promise<string>;
}

/**
 * Identities the recording gateway learned from replies that passed through it (IAM CreateAccessKey,
 * STS AssumeRole ...): access key id → the userIdentity calls signed with it are recorded with.
 * Secrets are never kept.
 */
export interface LearnedIdentityStore {
  get(accessKeyId: string): Promise<UserIdentity | undefined>;
  /** Stores (or replaces) the identity of a key. */
  put(accessKeyId: string, identity: UserIdentity, learnedAt: number): Promise<void>;
}

/** A trail as stored: its configuration, logging status and the delivery worker's progress. */
export interface StoredTrail {
  id: number;
  config: TrailConfig;
  status: TrailStatus;
  /** Set by DeleteTrail; the row stays until delivery has written the final files. */
  deletedAt?: number;
}

/**
 * Trails and everything delivery needs to resume exactly where it stopped. Status patches are
 * read-modify-write in one transaction, so the API and the delivery worker never lose each other's fields.
 */
export interface TrailStore {
  /** Live (not deleted) trails of every account and region. */
  list(): Promise<StoredTrail[]>;
  /** Deleted trails whose final delivery is not done yet. */
  listDeleted(): Promise<StoredTrail[]>;
  getByArn(arn: string): Promise<StoredTrail | undefined>;
  /** Resolves undefined when a live trail with that ARN exists. */
  create(config: TrailConfig, status: TrailStatus): Promise<StoredTrail | undefined>;
  putConfig(id: number, config: TrailConfig): Promise<void>;
  /** Members set to undefined are removed. Returns the status now stored. */
  patchStatus(id: number, patch: Partial<TrailStatus>): Promise<TrailStatus>;
  markDeleted(id: number, at: number, patch: Partial<TrailStatus>): Promise<void>;
  /** Forgets a deleted trail for good. */
  purge(id: number): Promise<void>;
  getDelivery(id: number): Promise<DeliveryState | undefined>;
  /** Commits delivery progress and (atomically with it) a status patch. */
  putDelivery(id: number, state: DeliveryState, patch?: Partial<TrailStatus>): Promise<void>;
  /** Digest signing keys of a region, oldest first. */
  signingKeys(region: string): Promise<SigningKey[]>;
  addSigningKey(key: SigningKey): Promise<void>;
}

// --- CloudTrail Lake ---------------------------------------------------------------------------

/** Kinds of Lake state, each a JSON document per id. */
export type LakeObjectKind = 'eventDataStore' | 'query' | 'channel' | 'import' | 'importFailure';

/** A page of a finished query's results: every value already a string. */
export interface LakeResults {
  columns: string[];
  rows: string[][];
  total: number;
}

/**
 * Lake control-plane state: event data stores, queries, channels and imports (documents owned by
 * `services/cloudtrail`), query results, and the ingestion cursors of `lake/`.
 */
export interface LakeStateStore {
  put(kind: LakeObjectKind, id: string, accountId: string, doc: object): Promise<void>;
  get<T>(kind: LakeObjectKind, id: string): Promise<T | undefined>;
  /** Every document of a kind (of one account when given), by id. */
  list<T>(kind: LakeObjectKind, accountId?: string): Promise<T[]>;
  /** Deleting a query deletes its results too. */
  delete(kind: LakeObjectKind, id: string): Promise<void>;
  putResults(queryId: string, columns: readonly string[], rows: readonly (readonly string[])[]): Promise<void>;
  readResults(queryId: string, offset: number, limit: number): Promise<LakeResults | undefined>;
  /** A named journal cursor (0 when never set). */
  cursor(name: string): Promise<number>;
  /**
   * Moves a cursor forward to `seq`; never back. A node that lost its lease mid-pass and commits
   * late cannot rewind the cursor its successor has moved on.
   */
  setCursor(name: string, seq: number): Promise<void>;
}

/** Everything Cairn keeps, behind one handle. */
export interface CairnStore {
  events: EventStore;
  credentials: CredentialStore;
  settings: SettingsStore;
  learnedIdentities: LearnedIdentityStore;
  trails: TrailStore;
  lake: LakeStateStore;
  close(): Promise<void>;
}
