/** Lake imports as kept in the Lake state store (kinds `import` and `importFailure`). */

export type ImportStatus = 'INITIALIZING' | 'IN_PROGRESS' | 'FAILED' | 'STOPPED' | 'COMPLETED';
export type ImportFailureStatus = 'FAILED' | 'RETRY' | 'SUCCEEDED';

export interface ImportStatisticsDoc {
  prefixesFound: number;
  prefixesCompleted: number;
  filesCompleted: number;
  eventsCompleted: number;
  failedEntries: number;
}

export interface ImportDoc {
  id: string;
  accountId: string;
  region: string;
  /** Destination store ARNs as given, and their ids. */
  destinations: string[];
  storeIds: string[];
  source: { uri: string; bucket: string; prefix: string; bucketRegion: string; roleArn: string };
  /** Epoch ms; events outside [start, end] are not imported. */
  startEventTime?: number;
  endEventTime?: number;
  status: ImportStatus;
  createdAt: number;
  updatedAt: number;
  statistics: ImportStatisticsDoc;
  /**
   * The last object key completed (imported or failed): files are taken in key order, so every key up
   * to it is done and a restarted import goes on after it.
   */
  cursor?: string;
  /** Batches written so far: names the next batch's Parquet file, so a batch rewritten after a crash replaces itself. */
  batches: number;
  /** Set by a retry: files that failed are read again before the import goes on. */
  retryFailures?: boolean;
  /** Why the import as a whole FAILED (the source could not be listed, ...). */
  errorMessage?: string;
}

export interface ImportFailureDoc {
  importId: string;
  /** The object's `s3://bucket/key`. */
  location: string;
  /** The object key (failures are retried by it). */
  key: string;
  status: ImportFailureStatus;
  errorType: string;
  errorMessage: string;
  updatedAt: number;
}

/** What the import operations need from the process that runs imports (`src/lake/import-runner.ts`). */
export interface ImportRunnerPort {
  /** Starts running an import whose INITIALIZING document is stored; returns at once. */
  start(importId: string): void;
  /** Asks a running import to stop after the file it is reading (its document already says STOPPED). */
  stop(importId: string): void;
  /** Whether the source bucket exists in the bucket store. */
  bucketExists(bucket: string): Promise<boolean>;
}

export const IMPORT_ID = /^[a-f0-9-]{36}$/;

export function failureId(importId: string, key: string): string {
  return `${importId}/${key}`;
}
