export { RoutingIndex } from './routing-index.js';
export { guessService, resolveOperation, formParameters, virtualBucket } from './resolve.js';
export type { ServiceGuess, Resolution, ServiceEvidence } from './resolve.js';
export { splitRequestTarget, parseQuery, hostName } from './request-view.js';
export type { RequestView } from './request-view.js';
