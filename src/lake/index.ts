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
export { liveFiles, datasetBytes } from './dataset.js';
export { ATHENA_COLUMNS, athenaDdl, athenaJsonColumns, toAthenaRow } from './athena.js';
export type { AthenaDdlOptions } from './athena.js';
export { onFirstUse } from './first-use.js';
// Lake imports (StartImport)
export { ImportRunner } from './import-runner.js';
export type { ImportRunnerOptions } from './import-runner.js';
export { selectArchiveKeys, deliveryTime } from './import-plan.js';
// Query result delivery (StartQuery DeliveryS3Uri)
export { ResultDelivery, resultLocation } from './result-delivery.js';
export type { ResultDeliveryOptions } from './result-delivery.js';
