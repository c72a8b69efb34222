import type { IncomingMessage } from 'node:http';
import { AwsError } from '../api/index.js';

/** Reads a request body up to `limit` bytes; a larger body is refused with an AWS-shaped 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) throw tooLarge(limit);
    parts.push(part);
  }
  return Buffer.concat(parts, size);
}

function tooLarge(limit: number): AwsError {
  return new AwsError('RequestEntityTooLargeException', `Request body must not exceed ${limit} bytes.`, 413);
}
