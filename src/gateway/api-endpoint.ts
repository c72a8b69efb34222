import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { AwsError, cloudtrailModel } from '../api/index.js';
import type { GroupCommitter } from '../journal/index.js';
import type { EncodedResponse } from '../protocol/index.js';
import { decodeJsonInput, encodeError, encodeOutput, parseTarget, toAwsError } from '../protocol/index.js';
import { toJournalEntry } from '../records/index.js';
import { buildRecord, ownApiCall } from '../recorder/index.js';
import type { CloudTrailService } from '../services/index.js';
import { isReadOnlyOperation } from '../services/index.js';
import { headerValue, sourceIp, tlsDetails } from './request-meta.js';
import type { Authenticator, Caller } from './types.js';
import { joinedHeaders } from './joined-headers.js';

/** X-Amz-Target prefix of Cairn's additive operations (SearchEvents), beside CloudTrail's own. */
export const CAIRN_TARGET_PREFIX = 'Cairn_20261101';
/** AWS accepts the target prefix with or without its namespace; the JS SDK v3 sends the short one. */
const CLOUDTRAIL_PREFIXES = new Set([cloudtrailModel.metadata.targetPrefix, cloudtrailModel.metadata.targetPrefix.split('.').at(-1)]);

/** Whether a request is for Cairn itself (health, CloudTrail and Cairn operations), not for an upstream. */
export function isOwnApiCall(req: IncomingMessage): boolean {
  const path = (req.url ?? '/').split('?')[0];
  // A signed `/health` is a call for the upstream (an S3 bucket named "health"), not Cairn's probe.
  if (path === '/health') return req.headers.authorization === undefined && !(req.url ?? '').includes('X-Amz-Credential=');
  if (req.method !== 'POST' || path !== '/') return false;
  const target = parseTarget(headerValue(req, 'x-amz-target'));
  return target !== undefined && (target.prefix === CAIRN_TARGET_PREFIX || CLOUDTRAIL_PREFIXES.has(target.prefix));
}

export interface ApiEndpointDeps {
  service: CloudTrailService;
  committer: GroupCommitter;
  authenticate: Authenticator;
  logger: Logger;
}

/** One CloudTrail JSON 1.1 call: authenticate, run, record durably, then answer. */
export async function handleApiCall(req: IncomingMessage, body: Buffer, deps: ApiEndpointDeps): Promise<EncodedResponse & { requestId: string }> {
  const requestId = randomUUID();
  const now = Date.now();
  let caller: Caller;
  try {
    // A repeated signed header is joined with ',' as the signer did.
    caller = await deps.authenticate({ method: req.method ?? 'POST', url: req.url ?? '/', headers: joinedHeaders(req), body }, now);
  } catch (error) {
    return { ...encodeError(toAwsError(error)), requestId };
  }
  const target = parseTarget(headerValue(req, 'x-amz-target'));
  const extension = target?.prefix === CAIRN_TARGET_PREFIX && deps.service.knowsExtension(target.operation);
  if (!target || !(extension || (CLOUDTRAIL_PREFIXES.has(target.prefix) && deps.service.knows(target.operation)))) {
    const name = headerValue(req, 'x-amz-target') ?? '(no X-Amz-Target)';
    return { ...encodeError(new AwsError('UnknownOperationException', `Unknown operation ${name}`)), requestId };
  }
  const operation = target.operation;
  const ctx = { accountId: caller.accountId, region: caller.region, identity: caller.identity, requestId, now };
  let input: Record<string, unknown> | undefined;
  let output: Record<string, unknown> | undefined;
  let failure: AwsError | undefined;
  try {
    input = decodeJsonInput(body);
    output = await (extension ? deps.service.callExtension(operation, input, ctx) : deps.service.call(operation, input, ctx));
  } catch (error) {
    failure = toAwsError(error);
    if (failure.status >= 500) deps.logger.error({ err: error, operation, requestId }, 'operation failed');
  }
  const readOnly = extension || isReadOnlyOperation(operation);
  const call = ownApiCall({
    eventId: randomUUID(),
    operation,
    now,
    accountId: caller.accountId,
    region: caller.region,
    identity: caller.identity,
    sourceIPAddress: sourceIp(req),
    userAgent: headerValue(req, 'user-agent'),
    input,
    output,
    readOnly,
    requestId,
    tls: tlsDetails(req),
    ...(failure ? { failure: { code: failure.code, message: failure.message } } : {}),
  });
  const record = buildRecord(call);
  try {
    await deps.committer.commit(toJournalEntry(JSON.stringify(record), record));
  } catch (error) {
    // Never answer a call whose event did not reach the journal.
    deps.logger.error({ err: error, operation, requestId }, 'could not record the call');
    return { ...encodeError(new AwsError('InternalFailure', 'The call could not be recorded.', 500)), requestId };
  }
  return { ...(failure ? encodeError(failure) : encodeOutput(output ?? {})), requestId };
}
