export { LakeEngine } from './lake-engine.js';
export type { LakeEngineOptions } from './lake-engine.js';
export { LakeIngestWorker } from './ingest-worker.js';
export type { IngestOptions } from './ingest-worker.js';
export { ParquetWriter } from './parquet-writer.js';
export { LakePaths } from './paths.js';
export { SandboxedQuery } from './query-engine.js';
export type { SandboxTable, QueryOutput } from './query-engine.js';
export { InvalidQueryError, translateQuery, LAKE_MACROS } from './sql-dialect.js';
export { SAMPLE_QUERIES } from './sample-queries.js';
export { LAKE_COLUMNS, columnsDdl, toLakeRow, dayOf } from './schema.js';
export { liveFiles, datasetBytes, daysOf } from './dataset.js';
export { ATHENA_COLUMNS, athenaDdl, athenaJsonColumns, toAthenaRow } from './athena.js';
export type { AthenaDdlOptions } from './athena.js';
export { onFirstUse } from './first-use.js';
// Where datasets live: local disk or S3 (with a local cache)
export { LocalDatasetStorage } from './dataset-storage.js';
export type { DatasetStorage, DatasetFile, OpenedFiles } from './dataset-storage.js';
export { S3DatasetStorage, parseS3Url } from './s3-dataset-storage.js';
export type { S3DatasetStorageOptions } from './s3-dataset-storage.js';
export { liveFilesIn, dropDaysBeforeIn } from './dataset.js';
export { INGEST_LEASE } from './ingest-worker.js';
export { hiveType, lakeAthenaDdl, lakeStoreLocation } from './lake-ddl.js';
export type { LakeDdlOptions } from './lake-ddl.js';
// Lake imports (StartImport)
export { ImportRunner } from './import-runner.js';
export type { ImportRunnerOptions } from './import-runner.js';
export { selectArchiveKeys, deliveryTime } from './import-plan.js';
// Query result delivery (StartQuery DeliveryS3Uri)
export { ResultDelivery, resultLocation } from './result-delivery.js';
export type { ResultDeliveryOptions } from './result-delivery.js';
