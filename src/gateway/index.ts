export { createGateway } from './server.js';
export type { GatewayOptions } from './server.js';
export { CAIRN_TARGET_PREFIX } from './api-endpoint.js';
export type { Authenticator, Caller, SignedRequest } from './types.js';
