export { JSON_11_CONTENT_TYPE, parseTarget, decodeJsonInput, encodeOutput, encodeError, toAwsError } from './json-protocol.js';
export type { JsonTarget, EncodedResponse } from './json-protocol.js';
