export { RecordSplitter, UnitScanner, MalformedJsonError, splitRecords, memberRaw } from './record-splitter.js';
export type { SplitItem } from './record-splitter.js';
export { readArchive, readListedFiles, readObjectBody, listArchiveFiles, DEFAULT_BATCH_SIZE } from './archive-reader.js';
export type { ReadOptions, ArchiveFile, ArchiveListing, ArchiveBatch, FileResult } from './archive-reader.js';
export { importArchive } from './import-archive.js';
export { startModuleWorker } from './module-worker.js';
export type { ImportOptions, ImportProgress, ImportSummary } from './import-archive.js';
