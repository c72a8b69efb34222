import { AwsError, encodeReplyJson } from '../api/index.js';

/** AWS JSON 1.1: `POST /`, `X-Amz-Target: <prefix>.<Operation>`, JSON bodies, `__type` errors. */
export const JSON_11_CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface JsonTarget {
  prefix: string;
  operation: string;
}

export function parseTarget(header: string | undefined): JsonTarget | undefined {
  if (!header) return undefined;
  const dot = header.lastIndexOf('.');
  if (dot <= 0 || dot === header.length - 1) return undefined;
  return { prefix: header.slice(0, dot), operation: header.slice(dot + 1) };
}

/** The decoded input object; an empty body counts as `{}`. */
export function decodeJsonInput(body: Buffer): Record<string, unknown> {
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

export interface EncodedResponse {
  status: number;
  contentType: string;
  /** A string is sent as UTF-8. */
  body: string | Buffer;
}

export function encodeOutput(output: Record<string, unknown>): EncodedResponse {
  return { status: 200, contentType: JSON_11_CONTENT_TYPE, body: encodeReplyJson(output) };
}

export function encodeError(error: AwsError): EncodedResponse {
  return { status: error.status, contentType: JSON_11_CONTENT_TYPE, body: JSON.stringify({ __type: error.code, message: error.message }) };
}

/** Anything thrown that is not an AwsError is a server fault: never show its details to the client. */
export function toAwsError(error: unknown): AwsError {
  return error instanceof AwsError ? error : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500);
}
