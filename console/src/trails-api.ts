import { api } from './api';

export interface Trail {
  Name: string;
  S3BucketName: string;
  S3KeyPrefix?: string;
  SnsTopicName?: string;
  SnsTopicARN?: string;
  IncludeGlobalServiceEvents?: boolean;
  IsMultiRegionTrail?: boolean;
  HomeRegion?: string;
  TrailARN: string;
  LogFileValidationEnabled?: boolean;
  KmsKeyId?: string;
  HasCustomEventSelectors?: boolean;
  HasInsightSelectors?: boolean;
}

export interface TrailStatus {
  IsLogging?: boolean;
  LatestDeliveryTime?: number;
  LatestDeliveryError?: string;
  LatestDigestDeliveryTime?: number;
  LatestDigestDeliveryError?: string;
  LatestNotificationError?: string;
  StartLoggingTime?: number;
  StopLoggingTime?: number;
}

export interface TrailWithStatus {
  trail: Trail;
  status: TrailStatus | undefined;
}

export async function listTrails(): Promise<TrailWithStatus[]> {
  const out = await api.call<{ trailList: Trail[] }>('DescribeTrails', { includeShadowTrails: true });
  return Promise.all(
    out.trailList.map(async (trail) => ({
      trail,
      status: await api.call<TrailStatus>('GetTrailStatus', { Name: trail.TrailARN }).catch(() => undefined),
    })),
  );
}

export function formatTime(seconds: number | undefined): string {
  return seconds === undefined ? '-' : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
