import type { AdvancedEventSelector, Tag } from '../../trails/index.js';

export type EventDataStoreStatus = 'CREATED' | 'ENABLED' | 'PENDING_DELETION' | 'STARTING_INGESTION' | 'STOPPING_INGESTION' | 'STOPPED_INGESTION';

/** An event data store as kept in the Lake state store (kind `eventDataStore`). */
export interface EventDataStoreDoc {
  id: string;
  arn: string;
  accountId: string;
  region: string;
  name: string;
  status: EventDataStoreStatus;
  /** The status to return to when RestoreEventDataStore undoes a deletion. */
  statusBeforeDeletion?: EventDataStoreStatus;
  advancedEventSelectors: AdvancedEventSelector[];
  multiRegionEnabled: boolean;
  organizationEnabled: boolean;
  retentionPeriod: number;
  terminationProtectionEnabled: boolean;
  billingMode: string;
  kmsKeyId?: string;
  tags: Tag[];
  createdAt: number;
  updatedAt: number;
  deletedAt?: number;
  /** Stores of ActivityAuditLog events take them from channels (PutAuditEvents), never from the journal. */
  audit: boolean;
  /** Journal position ingestion starts after (events before the store existed are not in it). */
  startSeq: number;
}

export type QueryStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

export interface QueryDoc {
  id: string;
  accountId: string;
  region: string;
  statement: string;
  status: QueryStatus;
  /** Event data store ids the statement reads (`event_history` is none). */
  storeIds: string[];
  createdAt: number;
  finishedAt?: number;
  eventsMatched: number;
  eventsScanned: number;
  bytesScanned: number;
  executionTimeInMillis: number;
  errorMessage?: string;
  deliveryS3Uri?: string;
  deliveryStatus?: string;
}

/** What a query reads: an event data store, or the caller's whole event history. */
export type LakeTableRef = { kind: 'store'; storeId: string } | { kind: 'history'; accountId: string };

export interface SampleQuery {
  name: string;
  description: string;
  sql: string;
}

/**
 * What the Lake operations need from the engine (`src/lake/`): checking and running SQL, the
 * stores' data. The service keeps the documents; the engine moves a query through its states.
 */
export interface LakeBackend {
  /**
   * Checks a statement against the tables the caller may read (lower-case name → table) and
   * returns the tables it reads. Throws InvalidQueryStatementException.
   */
  check(statement: string, tables: ReadonlyMap<string, LakeTableRef>): LakeTableRef[];
  /** Starts a query whose QUEUED document is stored; returns at once. */
  submit(query: QueryDoc, tables: ReadonlyMap<string, LakeTableRef>): void;
  /** Interrupts a query of this process; false when it is not running here. */
  cancel(queryId: string): boolean;
  /** Queries of the account queued or running now. */
  active(accountId: string): number;
  /** Forgets a store's files (after its pending-deletion window). */
  deleteStoreData(storeId: string): Promise<void>;
  /**
   * Writes events straight into a store (ActivityAuditLog events, imported events); durable when it
   * resolves. `fileTag` (`<digits>-<word chars>`) names the files, so writing the same tag again replaces them.
   */
  writeAuditEvents(storeId: string, records: readonly Record<string, unknown>[], fileTag?: string): Promise<void>;
  samples: readonly SampleQuery[];
}
