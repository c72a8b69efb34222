/**
 * The record shape the generator emits. Structurally a subset of `src/records/types.ts`'s
 * `CloudTrailRecord`, kept separate so the benchmarks do not break while `src/` changes.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface GenUserIdentity {
  type: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: JsonObject;
  invokedBy?: string;
}

export interface GenResource {
  ARN: string;
  accountId?: string;
  type: string;
}

/** One CloudTrail record, fields in the order AWS writes them. */
export interface GenRecord {
  eventVersion: string;
  userIdentity: GenUserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: GenResource[];
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  vpcEndpointAccountId?: string;
  eventCategory: 'Management' | 'Data';
  sessionCredentialFromConsole?: string;
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
}
