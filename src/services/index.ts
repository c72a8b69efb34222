export { CloudTrailService, isReadOnlyOperation, toWireEvent } from './cloudtrail/index.js';
export type { CallContext, OperationInput, OperationOutput } from './cloudtrail/index.js';
export type { LakeDeps, EventDataStoreDoc, LakeBackend, LakeTableRef, QueryDoc, QueryStatus, SampleQuery } from './cloudtrail/index.js';
export { EVENT_HISTORY_TABLE } from './cloudtrail/index.js';
export { AuditEventsService, MAX_AUDIT_EVENTS } from './cloudtrail-data/index.js';
export type { AuditEventsDeps, PutAuditEventsOutput, PutAuditEventsRequest } from './cloudtrail-data/index.js';
// Lake imports
export type { ImportDeps, ImportDoc, ImportFailureDoc, ImportRunnerPort, ImportStatus } from './cloudtrail/index.js';
export { failureId } from './cloudtrail/index.js';
