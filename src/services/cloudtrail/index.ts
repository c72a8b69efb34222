export { CloudTrailService } from './cloudtrail-service.js';
export { isReadOnlyOperation } from './operations.js';
export { toWireEvent } from './lookup-events.js';
export type { CallContext, OperationInput, OperationOutput } from './types.js';
export type { LakeDeps } from './event-data-stores.js';
export type { EventDataStoreDoc, LakeBackend, LakeTableRef, QueryDoc, QueryStatus, SampleQuery } from './lake-types.js';
export { EVENT_HISTORY_TABLE } from './lake-queries.js';
export { CUSTOM_SOURCE, parseChannelArn, channelArn } from './channels.js';
export type { ChannelDoc, ChannelDestination, ChannelIngestion } from './channels.js';
// Lake imports
export type { ImportDeps } from './imports.js';
export type { ImportDoc, ImportFailureDoc, ImportRunnerPort, ImportStatus } from './import-types.js';
export { failureId } from './import-types.js';
