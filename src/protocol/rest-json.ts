import type { AwsError } from '../api/index.js';
import { decodeJsonInput } from './json-protocol.js';

/**
 * REST-JSON (the `cloudtrail-data` service): plain `application/json` bodies; an error is named by
 * the `x-amzn-ErrorType` header and its body carries only `message`.
 */
export const REST_JSON_CONTENT_TYPE = 'application/json';

export interface RestJsonResponse {
  status: number;
  contentType: string;
  body: string;
  /** Set on errors: the error code, for the `x-amzn-ErrorType` header. */
  errorType?: string;
}

/** A JSON object body; an empty body counts as `{}` (the same rules as the JSON 1.1 protocol's input). */
export const decodeRestJsonBody = decodeJsonInput;

export function encodeRestJsonOutput(output: object): RestJsonResponse {
  return { status: 200, contentType: REST_JSON_CONTENT_TYPE, body: JSON.stringify(output) };
}

export function encodeRestJsonError(error: AwsError): RestJsonResponse {
  return { status: error.status, contentType: REST_JSON_CONTENT_TYPE, body: JSON.stringify({ message: error.message }), errorType: error.code };
}
