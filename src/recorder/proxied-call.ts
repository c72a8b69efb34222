import type { RecordResource, UserIdentity } from '../records/index.js';
import { callResources } from './call-resources.js';
import type { LearnedIdentity } from './learned-identity.js';
import { learnIdentities } from './learned-identity.js';
import type { ApiCall } from './record-builder.js';
import type { CapturedRequest, ResolvedCall } from './request-parameters.js';
import { requestParameters } from './request-parameters.js';
import type { CapturedResponse } from './response-reading.js';
import { isErrorStatus, parseReply, readUpstreamError, responseElements, upstreamRequestId } from './response-reading.js';

/** Services whose events carry apiVersion. */
const API_VERSION_SERVICES = new Set(['dynamodb']);

/** Everything the gateway saw of one forwarded call. */
export interface ProxiedExchange {
  eventId: string;
  /** Epoch ms when the call arrived. */
  arrivedAt: number;
  /** Cairn's own id for the call, used when the upstream names none. */
  fallbackRequestId: string;
  /** Undefined when the routing table does not know the operation. */
  resolved: ResolvedCall | undefined;
  /** eventSource and eventName to record for an unresolved call. */
  unresolved: { eventSource: string; eventName: string };
  accountId: string;
  region: string;
  identity: UserIdentity;
  sourceIPAddress: string;
  userAgent: string | undefined;
  tls?: ApiCall['tls'];
  request: CapturedRequest;
  /** The upstream's reply, when one arrived. */
  response?: CapturedResponse;
  /** Body bytes that crossed the gateway: from the client, and back to it. */
  bytesIn?: number;
  bytesOut?: number;
  /** What went wrong at the gateway (upstream unreachable, client gone), when something did. */
  failure?: { code: string; message: string };
}

export interface ProxiedRecord {
  call: ApiCall;
  /** Keys the reply handed out, to attribute later calls. */
  learned: LearnedIdentity[];
}

/** The CloudTrail event of a forwarded call, and the identities its reply teaches. */
export function recordProxiedCall(x: ProxiedExchange): ProxiedRecord {
  const resolved = x.resolved && onTheWire(x.resolved, x.request.headers);
  const params = resolved ? safely(() => requestParameters(resolved, x.request), null) : null;
  const response = x.response;
  const failed = response !== undefined && isErrorStatus(response.status);
  const readOnly = resolved ? resolved.routing.ro === 1 : false;
  // Read-only replies are never recorded (except STS credentials); reading them would only cost time.
  const wantsReply = resolved !== undefined && (!readOnly || resolved.routing.re === 1);
  const reply = resolved && response && !failed && wantsReply ? safely(() => parseReply(resolved, response), undefined) : undefined;
  const upstreamError = response && failed ? readUpstreamError(resolved?.service.protocol, response) : undefined;
  const error = x.failure ?? upstreamError;
  const succeeded = response !== undefined && !failed && !x.failure;
  const elements = resolved && response && succeeded && (!readOnly || resolved.routing.re === 1) ? safely(() => responseElements(resolved, response, reply), null) : null;
  const data = resolved?.routing.d === 1;
  const where = { accountId: x.accountId, region: x.region };
  const resources: RecordResource[] | undefined = resolved ? safely(() => callResources(resolved, params, reply, where), undefined) : undefined;
  const call: ApiCall = {
    eventId: x.eventId,
    eventTime: x.arrivedAt,
    eventSource: resolved?.service.eventSource ?? x.unresolved.eventSource,
    eventName: resolved ? (resolved.routing.e ?? resolved.operation) : x.unresolved.eventName,
    awsRegion: x.region,
    recipientAccountId: x.accountId,
    identity: x.identity,
    sourceIPAddress: x.sourceIPAddress,
    userAgent: x.userAgent,
    requestParameters: params,
    responseElements: elements,
    requestId: (response && upstreamRequestId(response)) ?? x.fallbackRequestId,
    readOnly,
    managementEvent: !data,
    eventCategory: data ? 'Data' : 'Management',
    ...(resolved && API_VERSION_SERVICES.has(resolved.service.id) ? { apiVersion: resolved.service.apiVersion } : {}),
    ...(resources ? { resources } : {}),
    ...(resolved?.service.id === 's3' ? { additionalEventData: s3EventData(x) } : {}),
    ...(x.tls ? { tls: x.tls } : {}),
    ...(error ? { errorCode: error.code, ...(error.message ? { errorMessage: error.message } : {}) } : {}),
  };
  const learned = resolved && succeeded ? safely(() => learnIdentities(resolved, params, reply, x.identity, x.accountId, x.arrivedAt), []) : [];
  return { call, learned };
}

/** What S3 events carry in additionalEventData: how the call was signed and the bytes it moved. */
function s3EventData(x: ProxiedExchange): Record<string, unknown> {
  const authorization = x.request.headers.authorization ?? '';
  const presigned = x.request.query.some(([key]) => key === 'X-Amz-Signature' || key === 'Signature');
  const v4 = authorization.startsWith('AWS4-') || x.request.query.some(([key]) => key === 'X-Amz-Algorithm');
  const data: Record<string, unknown> = { SignatureVersion: v4 ? 'SigV4' : 'SigV2' };
  if (x.tls) data.CipherSuite = x.tls.cipherSuite;
  data.bytesTransferredIn = x.bytesIn ?? 0;
  data.AuthenticationMethod = presigned ? 'QueryString' : 'AuthHeader';
  const id2 = x.response?.headers['x-amz-id-2'];
  if (id2) data['x-amz-id-2'] = id2;
  data.bytesTransferredOut = x.bytesOut ?? 0;
  return data;
}

/**
 * The protocol this request actually speaks: services offering several (CloudWatch: CBOR, JSON,
 * query) are read by what the client sent.
 */
function onTheWire(call: ResolvedCall, headers: CapturedRequest['headers']): ResolvedCall {
  const offered = call.service.protocols;
  if (offered.length <= 1) return call;
  const type = headers['content-type'] ?? '';
  const protocol =
    headers['smithy-protocol'] === 'rpc-v2-cbor' || type.includes('cbor')
      ? 'smithy-rpc-v2-cbor'
      : headers['x-amz-target'] !== undefined || type.includes('json')
        ? 'json'
        : type.startsWith('application/x-www-form-urlencoded')
          ? 'query'
          : call.service.protocol;
  return protocol === call.service.protocol ? call : { ...call, service: { ...call.service, protocol } };
}

/** Reading a malformed request or reply must never lose the event: fall back to less detail. */
function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
