import type { UserIdentity } from '../records/index.js';
import type { ApiCall } from './record-builder.js';
import { toRecordMembers } from './record-builder.js';

/** A call to Cairn's own CloudTrail API, through the AWS protocol or the console, as it is recorded. */
export interface OwnApiCall {
  eventId: string;
  operation: string;
  /** Epoch ms when the call arrived. */
  now: number;
  accountId: string;
  region: string;
  identity: UserIdentity;
  sourceIPAddress: string;
  userAgent: string | undefined;
  input: Record<string, unknown> | undefined;
  output: Record<string, unknown> | undefined;
  readOnly: boolean;
  requestId: string;
  failure?: { code: string; message: string };
  tls?: ApiCall['tls'];
}

/** The management event CloudTrail writes for a call to its own API: parameters always, response elements for writes. */
export function ownApiCall(c: OwnApiCall): ApiCall {
  const members = (value: Record<string, unknown> | undefined): Record<string, unknown> | null =>
    value === undefined || Object.keys(value).length === 0 ? null : (toRecordMembers(value) as Record<string, unknown>);
  return {
    eventId: c.eventId,
    eventTime: c.now,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: c.operation,
    awsRegion: c.region,
    recipientAccountId: c.accountId,
    identity: c.identity,
    sourceIPAddress: c.sourceIPAddress,
    userAgent: c.userAgent,
    requestParameters: members(c.input),
    responseElements: c.readOnly ? null : members(c.output),
    requestId: c.requestId,
    readOnly: c.readOnly,
    managementEvent: true,
    eventCategory: 'Management',
    ...(c.tls ? { tls: c.tls } : {}),
    ...(c.failure ? { errorCode: c.failure.code, errorMessage: c.failure.message } : {}),
  };
}
