/** A trail as CloudTrail describes it, plus what Cairn keeps beside it. Wire member names. */
export interface DataResource {
  Type: string;
  Values: string[];
}

export interface EventSelector {
  ReadWriteType: 'ReadOnly' | 'WriteOnly' | 'All';
  IncludeManagementEvents: boolean;
  DataResources: DataResource[];
  ExcludeManagementEventSources: string[];
}

export const FIELD_OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

export type AdvancedFieldSelector = { Field: string } & Partial<Record<FieldOperator, string[]>>;

export interface AdvancedEventSelector {
  Name?: string;
  FieldSelectors: AdvancedFieldSelector[];
}

export interface InsightSelector {
  InsightType: 'ApiCallRateInsight' | 'ApiErrorRateInsight';
  EventCategories?: string[];
}

export interface Tag {
  Key: string;
  Value?: string;
}

/** What a trail is configured to do. */
export interface TrailConfig {
  name: string;
  accountId: string;
  homeRegion: string;
  arn: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  snsTopicArn?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  logFileValidationEnabled: boolean;
  cloudWatchLogsLogGroupArn?: string;
  cloudWatchLogsRoleArn?: string;
  kmsKeyId?: string;
  isOrganizationTrail: boolean;
  /** Exactly one of the two selector kinds is set. */
  eventSelectors?: EventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
  hasCustomEventSelectors: boolean;
  insightSelectors: InsightSelector[];
  tags: Tag[];
}

/**
 * Logging state and delivery outcomes (GetTrailStatus), all times epoch ms. `session` counts
 * StartLogging calls; `startSeq`/`stopSeq` bound, in journal positions, what a session delivers.
 */
export interface TrailStatus {
  isLogging: boolean;
  session: number;
  startSeq?: number;
  stopSeq?: number;
  startLoggingTime?: number;
  stopLoggingTime?: number;
  latestDeliveryTime?: number;
  latestDeliveryAttemptTime?: number;
  latestDeliveryAttemptSucceeded?: number;
  latestDeliveryError?: string;
  latestNotificationTime?: number;
  latestNotificationAttemptTime?: number;
  latestNotificationAttemptSucceeded?: number;
  latestNotificationError?: string;
  latestDigestDeliveryTime?: number;
  latestDigestDeliveryError?: string;
}

/** The delivery worker's own progress for one trail; written only by the worker. */
export interface DeliveryState {
  /** The logging session this progress belongs to (TrailStatus.session). */
  session: number;
  /** Whether that session is being delivered (false once its last files and final digest are written). */
  active: boolean;
  /** Every event with seq ≤ cursor has been considered. */
  cursor: number;
  /** A batch whose objects may be partly written: redone with the same keys after a crash. */
  pending?: PlannedBatch;
  /** Start of the open digest period (epoch ms, whole seconds); absent when validation is off. */
  digestStart?: number;
  /** A digest whose end is fixed but not yet committed. */
  pendingDigestEnd?: number;
  /** Per source region: the chain and the log files delivered since the last digest. */
  digestRegions: Record<string, DigestChain>;
}

export interface PlannedBatch {
  afterSeq: number;
  untilSeq: number;
  deliveryTime: number;
}

export interface DeliveredLogFile {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  newestEventTime: string;
  oldestEventTime: string;
}

export interface DigestChain {
  previous?: { bucket: string; key: string; signature: string; hash: string };
  logFiles: DeliveredLogFile[];
}

/** A region's RSA key pair for digest signatures. */
export interface SigningKey {
  region: string;
  /** Lowercase hex MD5 of the PKCS#1 DER public key. */
  fingerprint: string;
  publicKeyDer: Buffer;
  privateKeyPem: string;
  validFrom: number;
  validTo?: number;
}

export function initialStatus(): TrailStatus {
  return { isLogging: false, session: 0 };
}
