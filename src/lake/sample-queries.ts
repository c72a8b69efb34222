import type { SampleQuery } from '../services/index.js';

/**
 * Sample queries in the style of CloudTrail Lake's query editor, written for Cairn. As in the
 * console, `$EDS_ID` stands for the event data store id; each runs unmodified otherwise.
 */
export const SAMPLE_QUERIES: readonly SampleQuery[] = [
  {
    name: 'Console sign-in activity',
    description: 'Lists console sign-ins with the user, source IP address, whether MFA was used and the outcome.',
    sql: "SELECT eventTime, userIdentity.arn, sourceIPAddress, element_at(additionalEventData, 'MFAUsed') AS mfaUsed, element_at(responseElements, 'ConsoleLogin') AS result FROM $EDS_ID WHERE eventName = 'ConsoleLogin' ORDER BY eventTime DESC",
  },
  {
    name: 'Failed console sign-in attempts',
    description: 'Counts failed console sign-ins per user and source IP address.',
    sql: "SELECT userIdentity.arn AS arn, sourceIPAddress, COUNT(*) AS attempts FROM $EDS_ID WHERE eventName = 'ConsoleLogin' AND errorMessage = 'Failed authentication' GROUP BY userIdentity.arn, sourceIPAddress ORDER BY attempts DESC",
  },
  {
    name: 'API calls by event source',
    description: 'Counts API calls per AWS service (event source), most active first.',
    sql: 'SELECT eventSource, COUNT(*) AS apiCount FROM $EDS_ID GROUP BY eventSource ORDER BY apiCount DESC',
  },
  {
    name: 'Top API calls',
    description: 'The 10 most frequent API calls with their event source.',
    sql: 'SELECT eventSource, eventName, COUNT(*) AS apiCount FROM $EDS_ID GROUP BY eventSource, eventName ORDER BY apiCount DESC LIMIT 10',
  },
  {
    name: 'Errors by error code',
    description: 'Counts failed calls per error code.',
    sql: 'SELECT errorCode, COUNT(*) AS errorCount FROM $EDS_ID WHERE errorCode IS NOT NULL GROUP BY errorCode ORDER BY errorCount DESC',
  },
  {
    name: 'Access denied errors',
    description: 'Finds calls denied for lack of permissions, with the caller and the operation.',
    sql: "SELECT eventTime, userIdentity.arn, eventSource, eventName, errorCode FROM $EDS_ID WHERE errorCode IN ('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation') ORDER BY eventTime DESC",
  },
  {
    name: 'Most active users',
    description: 'The 10 identities (ARNs) that made the most API calls.',
    sql: 'SELECT userIdentity.arn AS arn, COUNT(*) AS apiCount FROM $EDS_ID WHERE userIdentity.arn IS NOT NULL GROUP BY userIdentity.arn ORDER BY apiCount DESC LIMIT 10',
  },
  {
    name: 'Distinct users',
    description: 'How many distinct identities (ARNs) made calls.',
    sql: 'SELECT COUNT(DISTINCT userIdentity.arn) AS users FROM $EDS_ID',
  },
  {
    name: 'Root user activity',
    description: 'Lists calls made with the root user of an account.',
    sql: "SELECT eventTime, eventSource, eventName, sourceIPAddress, userAgent FROM $EDS_ID WHERE userIdentity.type = 'Root' ORDER BY eventTime DESC",
  },
  {
    name: 'IAM changes',
    description: 'Lists write calls to IAM: users, roles, policies and keys created, changed or deleted.',
    sql: "SELECT eventTime, userIdentity.arn, eventName, requestParameters FROM $EDS_ID WHERE eventSource = 'iam.amazonaws.com' AND readOnly = false ORDER BY eventTime DESC",
  },
  {
    name: 'S3 bucket activity',
    description: 'Counts calls per S3 bucket and operation.',
    sql: "SELECT element_at(requestParameters, 'bucketName') AS bucket, eventName, COUNT(*) AS calls FROM $EDS_ID WHERE eventSource = 's3.amazonaws.com' GROUP BY element_at(requestParameters, 'bucketName'), eventName ORDER BY calls DESC",
  },
  {
    name: 'Security group changes',
    description: 'Lists changes to EC2 security groups and their rules.',
    sql: "SELECT eventTime, userIdentity.arn, eventName, element_at(requestParameters, 'groupId') AS groupId FROM $EDS_ID WHERE eventSource = 'ec2.amazonaws.com' AND eventName IN ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup') ORDER BY eventTime DESC",
  },
  {
    name: 'Calls per hour',
    description: 'API calls per hour, to spot bursts of activity.',
    sql: "SELECT date_trunc('hour', eventTime) AS hour, COUNT(*) AS calls FROM $EDS_ID GROUP BY date_trunc('hour', eventTime) ORDER BY hour",
  },
  {
    name: 'Activity in a time window',
    description: 'Lists every event in a time window, oldest first.',
    sql: "SELECT eventTime, eventSource, eventName, userIdentity.arn, sourceIPAddress FROM $EDS_ID WHERE eventTime >= '2020-01-01 00:00:00' AND eventTime < '2030-01-01 00:00:00' ORDER BY eventTime",
  },
  {
    name: 'Activity of an access key',
    description: 'Counts calls per operation made with each access key.',
    sql: 'SELECT userIdentity.accessKeyId AS accessKeyId, eventName, COUNT(*) AS calls FROM $EDS_ID WHERE userIdentity.accessKeyId IS NOT NULL GROUP BY userIdentity.accessKeyId, eventName ORDER BY calls DESC',
  },
  {
    name: 'Calls by source IP address',
    description: 'Counts calls per source IP address and identity type.',
    sql: 'SELECT sourceIPAddress, userIdentity.type AS identityType, COUNT(*) AS calls FROM $EDS_ID GROUP BY sourceIPAddress, userIdentity.type ORDER BY calls DESC',
  },
  {
    name: 'Recent custom events',
    description: 'Lists events sent through PutAuditEvents (integrations), newest first.',
    sql: "SELECT eventData.eventSource, eventData.eventName, eventData.userIdentity.principalId, eventTime FROM $EDS_ID WHERE eventCategory = 'ActivityAuditLog' ORDER BY eventTime DESC",
  },
];
