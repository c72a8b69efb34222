import { defaultProvider } from '@aws-sdk/credential-provider-node';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { BucketStore, PutOptions, StoredObject } from './types.js';
import { BucketError } from './types.js';

export interface S3BucketsOptions {
  endpoint: string;
  region: string;
  /** Defaults to the SDK's credential chain (environment, profile ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Used when `credentials` is absent and the SDK's chain finds none (an emulator accepts any key). */
  fallbackCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Path-style URLs (`http://host/bucket/key`); the default, as S3-compatible servers expect. */
  forcePathStyle?: boolean;
}

/** Any S3 API endpoint through the AWS SDK. */
export class S3Buckets implements BucketStore {
  readonly description: string;
  readonly supportsEncryption = true;
  private readonly client: S3Client;

  constructor(options: S3BucketsOptions) {
    this.description = `S3 at ${options.endpoint}`;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? true,
      // Delivery retries on its own schedule; one SDK attempt keeps failures visible quickly.
      maxAttempts: 1,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(!options.credentials && options.fallbackCredentials ? { credentials: chainThen(options.fallbackCredentials) } : {}),
    });
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch (error) {
      const code = codeOf(error);
      if (code === 'NotFound' || code === 'NoSuchBucket') return false;
      throw toBucketError(error);
    }
  }

  async createBucket(bucket: string): Promise<void> {
    await this.call(() => this.client.send(new CreateBucketCommand({ Bucket: bucket })));
  }

  async putObject(bucket: string, key: string, body: Buffer, options: PutOptions = {}): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ContentEncoding: options.contentEncoding,
          Metadata: options.metadata,
          ACL: options.acl,
          ...(options.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: options.kmsKeyId } : {}),
        }),
      ),
    );
  }

  async getObject(bucket: string, key: string): Promise<StoredObject | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await result.Body?.transformToByteArray();
      return { body: Buffer.from(bytes ?? new Uint8Array()), metadata: result.Metadata ?? {} };
    } catch (error) {
      if (codeOf(error) === 'NoSuchKey') return undefined;
      throw toBucketError(error);
    }
  }

  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toBucketError(error);
    }
  }
}

function codeOf(error: unknown): string {
  if (error instanceof S3ServiceException) return error.name;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string') return errno;
  return error instanceof Error ? error.name : 'UnknownError';
}

/** S3's error code when S3 answered; the socket error (ECONNREFUSED ...) when it could not be reached. */
function toBucketError(error: unknown): BucketError {
  if (error instanceof BucketError) return error;
  return new BucketError(codeOf(error), error instanceof Error ? error.message : String(error));
}

/**
 * The SDK's own credential chain, then `fallback` when the chain finds nothing. The first answer is
 * kept: probing the chain again would wait on the EC2 metadata service before every request.
 */
function chainThen(fallback: { accessKeyId: string; secretAccessKey: string }): () => Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const chain = defaultProvider();
  let useFallback: boolean | undefined;
  return async () => {
    if (useFallback) return fallback;
    try {
      const found = await chain();
      useFallback = false;
      return found;
    } catch (error) {
      if (useFallback === false) throw error;
      useFallback = true;
      return fallback;
    }
  };
}
