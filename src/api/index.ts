export { AwsError, isAwsError } from './errors.js';
export * as cloudtrailModel from './cloudtrail/index.js';
