export type {
  AdvancedEventSelector,
  AdvancedFieldSelector,
  DataResource,
  DeliveredLogFile,
  DeliveryState,
  DigestChain,
  EventSelector,
  InsightSelector,
  PlannedBatch,
  SigningKey,
  Tag,
  TrailConfig,
  TrailStatus,
} from './types.js';
export { initialStatus } from './types.js';
export {
  checkBucketName,
  checkKeyPrefix,
  checkLogGroupArn,
  checkLogsRoleArn,
  checkTrailName,
  kmsKeyArn,
  parseTrailRef,
  snsTopicArn,
  trailArn,
} from './names.js';
export type { TrailRef } from './names.js';
export {
  defaultEventSelectors,
  managementCoverage,
  matchesAdvancedSelectors,
  matchesEventSelectors,
  parseAdvancedEventSelectors,
  parseEventSelectors,
  parseInsightSelectors,
} from './selectors.js';
export type { SelectableEvent } from './selectors.js';
export { inTrailScope, toSelectable, trailLogs } from './scope.js';
export { digestKey, isoSeconds, logFileKey, uniqueSuffix } from './layout.js';
export { buildLogFiles, MAX_LOG_FILE_BYTES } from './log-files.js';
export type { LogFile } from './log-files.js';
export { buildDigest, currentSigningKey, newSigningKey, SIGNING_KEY_ROTATION_MS } from './digest.js';
export type { SigningKeyStore } from './digest.js';
export type { SignedDigest } from './digest.js';
export { parseTrailArnParts, validateLogs } from './validation.js';
export type { ValidationIo, ValidationRequest } from './validation.js';
