export { RoutingIndex } from './routing-index.js';
export { guessService, resolveOperation, formParameters, virtualBucket } from './resolve.js';
export type { ServiceGuess, Resolution, ServiceEvidence } from './resolve.js';
export { splitRequestTarget, parseQuery, hostName } from './request-view.js';
export type { RequestView } from './request-view.js';
export { errorReply } from './error-shape.js';
export type { ErrorReply } from './error-shape.js';
export { pickUpstream } from './upstreams.js';
export type { UpstreamMap } from './upstreams.js';
