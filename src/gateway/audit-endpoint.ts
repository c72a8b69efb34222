import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readCredentialScope } from '../auth/index.js';
import type { RestJsonResponse } from '../protocol/index.js';
import { decodeRestJsonBody, encodeRestJsonError, encodeRestJsonOutput, toAwsError } from '../protocol/index.js';
import type { AuditEventsService } from '../services/index.js';
import { readBody } from './read-body.js';
import type { Authenticator, Caller } from './types.js';
import { joinedHeaders } from './joined-headers.js';

/** The `cloudtrail-data` service's signing name and its one operation's path. */
export const AUDIT_SIGNING_NAME = 'cloudtrail-data';
const PUT_AUDIT_EVENTS_PATH = '/PutAuditEvents';
/** PutAuditEvents takes at most 1 MB per request (AWS's limit). */
export const AUDIT_BODY_LIMIT = 1024 * 1024;
/** A larger body is read to its end (not kept) before the 413, so clients read the answer instead of a reset. */
const DISCARD_LIMIT = 16 * 1024 * 1024;

export interface AuditEndpointDeps {
  service: AuditEventsService;
  /** Checks a signature scoped to `cloudtrail-data`. */
  authenticate: Authenticator;
  logger: Logger;
}

/**
 * Whether a request is a PutAuditEvents call for Cairn: `POST /PutAuditEvents`, and when it is
 * signed, signed for `cloudtrail-data` (a signed call for another service, say an S3 bucket named
 * PutAuditEvents, is not Cairn's in gateway mode).
 */
export function isAuditEventsCall(req: IncomingMessage): boolean {
  if (!isAuditEventsPath(req)) return false;
  const scope = readCredentialScope(req.url ?? '/', req.headers);
  return scope === undefined || scope.service === AUDIT_SIGNING_NAME;
}

/** `POST /PutAuditEvents`: outside gateway mode always Cairn's (a signature for another service is refused). */
export function isAuditEventsPath(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '/').split('?')[0] === PUT_AUDIT_EVENTS_PATH;
}

function queryParams(url: string): URLSearchParams {
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
}

/** One PutAuditEvents call: read at most 1 MB, authenticate, run, answer in REST-JSON. Not recorded in event history. */
export async function serveAuditEvents(req: IncomingMessage, res: ServerResponse, deps: AuditEndpointDeps): Promise<void> {
  const requestId = randomUUID();
  let body: Buffer;
  try {
    body = await readBody(req, AUDIT_BODY_LIMIT);
  } catch (error) {
    await discardBody(req, DISCARD_LIMIT);
    res.setHeader('Connection', 'close');
    send(res, encodeRestJsonError(toAwsError(error)), requestId);
    return;
  }
  send(res, await handleAuditEvents(req, body, deps, requestId), requestId);
}

async function handleAuditEvents(req: IncomingMessage, body: Buffer, deps: AuditEndpointDeps, requestId: string): Promise<RestJsonResponse> {
  const now = Date.now();
  let caller: Caller;
  try {
    caller = await deps.authenticate({ method: req.method ?? 'POST', url: req.url ?? '/', headers: joinedHeaders(req), body }, now);
  } catch (error) {
    return encodeRestJsonError(toAwsError(error));
  }
  const params = queryParams(req.url ?? '/');
  try {
    const output = await deps.service.putAuditEvents(
      { channelArn: params.get('channelArn') ?? undefined, externalId: params.get('externalId') ?? undefined, body: decodeRestJsonBody(body) },
      { accountId: caller.accountId, region: caller.region, identity: caller.identity, requestId, now },
    );
    return encodeRestJsonOutput(output);
  } catch (error) {
    const failure = toAwsError(error);
    if (failure.status >= 500) deps.logger.error({ err: error, operation: 'PutAuditEvents', requestId }, 'operation failed');
    return encodeRestJsonError(failure);
  }
}

/** Reads and drops what is left of a body, up to `maxBytes`. */
function discardBody(req: IncomingMessage, maxBytes: number): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) resolve();
    });
    req.once('end', () => resolve());
    req.once('close', () => resolve());
    req.once('error', () => resolve());
    req.resume();
  });
}

function send(res: ServerResponse, response: RestJsonResponse, requestId: string): void {
  const body = Buffer.from(response.body);
  res.writeHead(response.status, {
    'Content-Type': response.contentType,
    'Content-Length': body.length,
    'x-amzn-RequestId': requestId,
    ...(response.errorType ? { 'x-amzn-ErrorType': response.errorType } : {}),
  });
  res.end(body);
}
