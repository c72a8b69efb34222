export { AwsError, isAwsError } from './errors.js';
