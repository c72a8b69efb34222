export { CloudTrailService } from './cloudtrail-service.js';
export { isReadOnlyOperation } from './operations.js';
export { toWireEvent } from './lookup-events.js';
export type { CallContext, OperationInput, OperationOutput } from './types.js';
