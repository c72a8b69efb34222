export { createGateway } from './server.js';
export type { ConsoleRoute, GatewayOptions } from './server.js';
export { CAIRN_TARGET_PREFIX } from './api-endpoint.js';
export type { Authenticator, Caller, SignedRequest } from './types.js';
export { RecordingProxy, clientAddress } from './recording-proxy.js';
export type { RecordingProxyOptions, IdentityLookup } from './recording-proxy.js';
export { AUDIT_SIGNING_NAME } from './audit-endpoint.js';
export type { AuditEndpointDeps } from './audit-endpoint.js';
