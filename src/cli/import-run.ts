import { importArchive } from '../import/index.js';
import type { ImportProgress, ImportSummary } from '../import/index.js';
import { openObjectDecryptor, openConfiguredStore } from '../main.js';

export interface ImportFlags {
  dataDir: string;
  store?: string;
  accountId: string;
  region: string;
  kmsEndpoint?: string;
}

/**
 * The import itself: opens the store, appends every record under `paths`, merges the partial chunks
 * its batches left and closes the store. `seconds` includes the merge.
 */
export async function runImport(paths: readonly string[], flags: ImportFlags, onProgress: (progress: ImportProgress) => void): Promise<ImportSummary> {
  const store = await openConfiguredStore({ ...flags, bulkWriter: true });
  try {
    // Log files a trail encrypted into a local bucket are read decrypted (the key comes from the KMS).
    const decryptor = openObjectDecryptor({ region: flags.region, kmsEndpoint: flags.kmsEndpoint });
    const summary = await importArchive(paths, store.events, {
      fallback: { accountId: flags.accountId, region: flags.region },
      decrypt: (path) => decryptor.read(path),
      readerThread: true,
      onProgress,
    });
    // Each batch leaves a partial chunk per partition and day it touched: merge them now, so the first
    // server to open the store does not spend its first seconds on it while it answers.
    const mergeStarted = process.hrtime.bigint();
    while ((await store.events.compact()) > 0);
    return { ...summary, seconds: summary.seconds + Number(process.hrtime.bigint() - mergeStarted) / 1e9 };
  } finally {
    await store.close();
  }
}
