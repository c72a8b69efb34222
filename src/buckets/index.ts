export type { BucketStore, PutOptions, StoredObject } from './types.js';
export { BucketError } from './types.js';
export { LocalDirectoryBuckets } from './local-directory.js';
export { S3Buckets } from './s3.js';
export type { S3BucketsOptions } from './s3.js';
export { KmsKeyService } from './kms.js';
export type { KeyService } from './kms.js';
export { LocalObjectDecryptor } from './local-envelope.js';
