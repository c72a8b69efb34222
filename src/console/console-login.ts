import type { CloudTrailRecord, UserIdentity } from '../records/index.js';

export interface ConsoleLoginAttempt {
  eventId: string;
  eventTime: number;
  region: string;
  accountId: string;
  /** The principal signing in; undefined when the key is unknown (AWS hides the name then). */
  identity: UserIdentity | undefined;
  sourceIPAddress: string;
  userAgent: string | undefined;
  success: boolean;
  loginTo: string;
}

/** The name AWS writes when a sign-in names no known user. */
export const HIDDEN_USER = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * The `ConsoleLogin` record of a console sign-in, shaped as AWS writes it: eventSource
 * signin.amazonaws.com, eventType AwsConsoleSignIn, no requestID, `requestParameters: null`,
 * `responseElements.ConsoleLogin` Success or Failure, and on failure `errorMessage` "Failed
 * authentication" with no errorCode. The console signs in with an access key, but as in AWS the
 * record carries no access key id (a root's is "").
 */
export function consoleLoginRecord(attempt: ConsoleLoginAttempt): CloudTrailRecord {
  const identity: UserIdentity = attempt.identity ? withoutAccessKey(attempt.identity) : { type: 'IAMUser', principalId: '', accountId: attempt.accountId, accessKeyId: '', userName: HIDDEN_USER };
  const record: Record<string, unknown> = {
    eventVersion: '1.11',
    userIdentity: identity,
    eventTime: new Date(attempt.eventTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: attempt.region,
    sourceIPAddress: attempt.sourceIPAddress,
  };
  if (attempt.userAgent !== undefined) record.userAgent = attempt.userAgent.slice(0, 1024);
  if (!attempt.success) record.errorMessage = 'Failed authentication';
  record.requestParameters = null;
  record.responseElements = { ConsoleLogin: attempt.success ? 'Success' : 'Failure' };
  record.additionalEventData = { LoginTo: attempt.loginTo, MobileVersion: 'No', MFAUsed: 'No' };
  record.eventID = attempt.eventId;
  record.readOnly = false;
  record.eventType = 'AwsConsoleSignIn';
  record.managementEvent = true;
  record.recipientAccountId = attempt.accountId;
  record.eventCategory = 'Management';
  return record as CloudTrailRecord;
}

function withoutAccessKey(identity: UserIdentity): UserIdentity {
  const { accessKeyId: _key, ...rest } = identity;
  return identity.type === 'Root' ? { ...rest, accessKeyId: '' } : rest;
}
