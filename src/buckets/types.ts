/** Where trails write their objects: a local directory laid out as S3, or an S3 API endpoint. */
export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  /** User metadata (`x-amz-meta-*`). */
  metadata?: Record<string, string>;
  /** Canned ACL, where the store supports ACLs. */
  acl?: 'bucket-owner-full-control';
  /** Encrypt with this KMS key: SSE-KMS on S3, envelope encryption (AES-256-GCM) in a local directory. */
  kmsKeyId?: string;
}

export interface StoredObject {
  body: Buffer;
  metadata: Record<string, string>;
}

export interface BucketStore {
  /** A description for logs and status lines (`local directory /x`, `S3 at http://...`). */
  readonly description: string;
  /** Whether `kmsKeyId` can be honoured. */
  readonly supportsEncryption: boolean;
  bucketExists(bucket: string): Promise<boolean>;
  createBucket(bucket: string): Promise<void>;
  /** Writes the whole object or throws a BucketError; an existing key is replaced. */
  putObject(bucket: string, key: string, body: Buffer, options?: PutOptions): Promise<void>;
  getObject(bucket: string, key: string): Promise<StoredObject | undefined>;
  /** Every key under `prefix`, in lexicographic order. */
  listKeys(bucket: string, prefix: string): Promise<string[]>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

/** A storage failure, with the storage's own error code (`NoSuchBucket`, `AccessDenied`, ...). */
export class BucketError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BucketError';
  }
}
