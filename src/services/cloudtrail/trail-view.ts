import type { TrailConfig, TrailStatus } from '../../trails/index.js';
import type { OperationOutput } from './types.js';

/** What CreateTrail and UpdateTrail answer: the trail without HomeRegion and the Has* flags. */
export function trailResponse(t: TrailConfig): OperationOutput {
  return trailMembers(t, false);
}

/** The Trail structure of GetTrail and DescribeTrails. */
export function trailObject(t: TrailConfig): OperationOutput {
  return trailMembers(t, true);
}

/** A trail's members in the model's order; `full` adds HomeRegion and the Has* flags. */
function trailMembers(t: TrailConfig, full: boolean): OperationOutput {
  const out: OperationOutput = { Name: t.name, S3BucketName: t.s3BucketName };
  if (t.s3KeyPrefix !== undefined) out.S3KeyPrefix = t.s3KeyPrefix;
  if (t.snsTopicName !== undefined) out.SnsTopicName = t.snsTopicName;
  if (t.snsTopicArn !== undefined) out.SnsTopicARN = t.snsTopicArn;
  out.IncludeGlobalServiceEvents = t.includeGlobalServiceEvents;
  out.IsMultiRegionTrail = t.isMultiRegionTrail;
  if (full) out.HomeRegion = t.homeRegion;
  out.TrailARN = t.arn;
  out.LogFileValidationEnabled = t.logFileValidationEnabled;
  if (t.cloudWatchLogsLogGroupArn !== undefined) out.CloudWatchLogsLogGroupArn = t.cloudWatchLogsLogGroupArn;
  if (t.cloudWatchLogsRoleArn !== undefined) out.CloudWatchLogsRoleArn = t.cloudWatchLogsRoleArn;
  if (t.kmsKeyId !== undefined) out.KmsKeyId = t.kmsKeyId;
  if (full) {
    out.HasCustomEventSelectors = t.hasCustomEventSelectors;
    out.HasInsightSelectors = t.insightSelectors.length > 0;
  }
  out.IsOrganizationTrail = t.isOrganizationTrail;
  return out;
}

const seconds = (ms: number): number => ms / 1000;
/** The deprecated string members: an ISO time, or "" when there is none. */
const isoOrEmpty = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** GetTrailStatus: every member AWS returns, times as epoch seconds. */
export function statusResponse(s: TrailStatus): OperationOutput {
  const out: OperationOutput = { IsLogging: s.isLogging };
  if (s.latestDeliveryError !== undefined) out.LatestDeliveryError = s.latestDeliveryError;
  if (s.latestNotificationError !== undefined) out.LatestNotificationError = s.latestNotificationError;
  if (s.latestDeliveryTime !== undefined) out.LatestDeliveryTime = seconds(s.latestDeliveryTime);
  if (s.latestNotificationTime !== undefined) out.LatestNotificationTime = seconds(s.latestNotificationTime);
  if (s.startLoggingTime !== undefined) out.StartLoggingTime = seconds(s.startLoggingTime);
  if (s.stopLoggingTime !== undefined) out.StopLoggingTime = seconds(s.stopLoggingTime);
  if (s.latestDigestDeliveryTime !== undefined) out.LatestDigestDeliveryTime = seconds(s.latestDigestDeliveryTime);
  if (s.latestDigestDeliveryError !== undefined) out.LatestDigestDeliveryError = s.latestDigestDeliveryError;
  out.LatestDeliveryAttemptTime = isoOrEmpty(s.latestDeliveryAttemptTime);
  out.LatestNotificationAttemptTime = isoOrEmpty(s.latestNotificationAttemptTime);
  out.LatestNotificationAttemptSucceeded = isoOrEmpty(s.latestNotificationAttemptSucceeded);
  out.LatestDeliveryAttemptSucceeded = isoOrEmpty(s.latestDeliveryAttemptSucceeded);
  out.TimeLoggingStarted = isoOrEmpty(s.startLoggingTime);
  out.TimeLoggingStopped = isoOrEmpty(s.stopLoggingTime);
  return out;
}
