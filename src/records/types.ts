/** A CloudTrail record as written by AWS (eventVersion 1.0 – 1.11). Unknown fields are kept. */
export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: {
    sessionIssuer?: { type?: string; principalId?: string; arn?: string; accountId?: string; userName?: string };
    webIdFederationData?: Record<string, unknown>;
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface RecordResource {
  ARN?: string;
  accountId?: string;
  type?: string;
}

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity?: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestID?: string;
  eventID: string;
  readOnly?: boolean;
  resources?: RecordResource[];
  eventType?: string;
  apiVersion?: string;
  managementEvent?: boolean;
  recipientAccountId?: string;
  sharedEventID?: string;
  eventCategory?: string;
  tlsDetails?: { tlsVersion?: string; cipherSuite?: string; clientProvidedHostHeader?: string; keyExchange?: string };
  insightDetails?: Record<string, unknown>;
  [k: string]: unknown;
}

/** The event-history categories a record can belong to. */
export type EventCategory = 'Management' | 'Data' | 'Insight' | 'NetworkActivity' | 'Other';

/** A resource as LookupEvents shows it. */
export interface LookupResource {
  type?: string;
  name: string;
}

/**
 * What the journal stores and indexes for one record: the verbatim record text plus the fields
 * event history searches on. Built once, at the edge, by `toJournalEntry`.
 */
export interface JournalEntry {
  eventId: string;
  accountId: string;
  region: string;
  category: EventCategory;
  /** eventTime in epoch milliseconds. */
  eventTime: number;
  eventName: string;
  eventSource: string;
  readOnly: boolean | undefined;
  username: string | undefined;
  accessKeyId: string | undefined;
  resources: LookupResource[];
  /** The record's JSON text, byte for byte as received or recorded. */
  raw: string;
}

/** A journal entry as read back from the store. */
export interface StoredEvent extends JournalEntry {
  /** Journal position: strictly increasing in append order. */
  seq: number;
  /** When Cairn received the event (epoch ms); retention counts from here. */
  receivedAt: number;
}
