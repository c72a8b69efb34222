export { AwsError, isAwsError } from './errors.js';
export { JsonText, encodeReplyJson } from './json-text.js';
export * as cloudtrailModel from './cloudtrail/index.js';
export { routingTable } from './routing.js';
export type { ServiceRouting, OperationRouting, MemberLocation, WireProtocol } from './routing.js';
