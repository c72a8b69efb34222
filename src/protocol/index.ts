export { JSON_11_CONTENT_TYPE, parseTarget, decodeJsonInput, encodeOutput, encodeError, toAwsError } from './json-protocol.js';
export type { JsonTarget, EncodedResponse } from './json-protocol.js';
export { REST_JSON_CONTENT_TYPE, decodeRestJsonBody, encodeRestJsonOutput, encodeRestJsonError } from './rest-json.js';
export type { RestJsonResponse } from './rest-json.js';
