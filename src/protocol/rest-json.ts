import { AwsError } from '../api/index.js';

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

/** A JSON object body; an empty body counts as `{}`. */
export function decodeRestJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AwsError('SerializationException', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

export function encodeRestJsonOutput(output: object): RestJsonResponse {
  return { status: 200, contentType: REST_JSON_CONTENT_TYPE, body: JSON.stringify(output) };
}

export function encodeRestJsonError(error: AwsError): RestJsonResponse {
  return { status: error.status, contentType: REST_JSON_CONTENT_TYPE, body: JSON.stringify({ message: error.message }), errorType: error.code };
}
