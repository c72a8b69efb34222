export { CloudTrailService, isReadOnlyOperation, toWireEvent } from './cloudtrail/index.js';
export type { CallContext, OperationInput, OperationOutput } from './cloudtrail/index.js';
