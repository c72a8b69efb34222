import { cloudtrailModel } from '../../api/index.js';

/** CloudTrail operations that only read: their events are `readOnly: true` (AWS's classification). */
const READ_ONLY = new Set<string>([
  'DescribeQuery',
  'DescribeTrails',
  'GetChannel',
  'GetDashboard',
  'GetEventConfiguration',
  'GetEventDataStore',
  'GetEventSelectors',
  'GetImport',
  'GetInsightSelectors',
  'GetQueryResults',
  'GetResourcePolicy',
  'GetTrail',
  'GetTrailStatus',
  'ListChannels',
  'ListDashboards',
  'ListEventDataStores',
  'ListImportFailures',
  'ListImports',
  'ListInsightsData',
  'ListInsightsMetricData',
  'ListPublicKeys',
  'ListQueries',
  'ListTags',
  'ListTrails',
  'LookupEvents',
  'SearchSampleQueries',
  'GenerateQuery',
]);

export function isCloudTrailOperation(name: string): boolean {
  return Object.hasOwn(cloudtrailModel.operations, name);
}

export function isReadOnlyOperation(name: string): boolean {
  return READ_ONLY.has(name);
}
