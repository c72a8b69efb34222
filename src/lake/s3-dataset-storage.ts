import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ByteLru } from './byte-lru.js';
import { dayDirName, dayOfDirName } from './dataset-storage.js';
import type { DatasetFile, DatasetStorage, OpenedFiles } from './dataset-storage.js';

export interface S3DatasetStorageOptions {
  bucket: string;
  /** Key prefix of every dataset (no leading or trailing slash; may be empty). */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (path-style URLs); absent: AWS's S3 of the region. */
  endpoint?: string;
  /** Local cache of downloaded files, emptied at start (files there are copies, never originals). */
  cacheDir: string;
  cacheBytes: number;
  /** Defaults to the SDK's credential chain (environment, profile, instance role ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const DELETE_BATCH = 1000;

/** `s3://bucket/prefix` → bucket and prefix; throws on anything else. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`not an s3://bucket/prefix URL: ${url}`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((part) => part === '.' || part === '..')) throw new Error(`the prefix of ${url} may not hold . or .. parts`);
  return { bucket: m[1]!, prefix };
}

function codeOf(error: unknown): string {
  return error && typeof error === 'object' && 'name' in error ? String(error.name) : '';
}

/**
 * Datasets in an S3 bucket, in the same layout as on disk (`<prefix>/stores/<id>/day=.../<file>`),
 * so Athena or Trino read them too. Reads go through a local cache bounded in bytes (least recently
 * used out first; files in use by a query stay): files never change once written, so a cached copy
 * never goes stale; one deleted meanwhile is simply no longer listed.
 */
export class S3DatasetStorage implements DatasetStorage {
  readonly description: string;
  private readonly client: S3Client;
  private readonly lru: ByteLru;
  private readonly downloads = new Map<string, Promise<void>>();
  private readonly scratch: string;

  constructor(private readonly o: S3DatasetStorageOptions) {
    this.description = `s3://${o.bucket}/${o.prefix}`;
    this.client = new S3Client({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
    });
    this.lru = new ByteLru(o.cacheBytes);
    rmSync(o.cacheDir, { recursive: true, force: true });
    this.scratch = join(o.cacheDir, '.scratch');
    mkdirSync(this.scratch, { recursive: true, mode: 0o700 });
  }

  /** Bytes of the local cache now (tests, metrics). */
  get cachedBytes(): number {
    return this.lru.bytes;
  }

  /** The object key of a dataset path (`LakePaths` below the prefix) and a file. */
  key(dataset: string, day: string, name: string): string {
    return `${dataset}/${dayDirName(day)}/${name}`;
  }

  async list(dataset: string, day?: string): Promise<DatasetFile[]> {
    const base = `${dataset}/`;
    const files: DatasetFile[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: day !== undefined ? `${base}${dayDirName(day)}/` : base, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const [dir, name, ...rest] = (object.Key ?? '').slice(base.length).split('/');
        const d = dir ? dayOfDirName(dir) : undefined;
        if (d === undefined || !name || rest.length > 0 || !name.endsWith('.parquet')) continue;
        files.push({ day: d, name, bytes: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files;
  }

  scratchDir(): string {
    return this.scratch;
  }

  async put(dataset: string, day: string, name: string, localFile: string): Promise<void> {
    const key = this.key(dataset, day, name);
    const bytes = statSync(localFile).size;
    await this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: key, Body: createReadStream(localFile), ContentLength: bytes, ContentType: 'application/vnd.apache.parquet' }));
    // The file just written is the freshest data: keep it as the cached copy.
    const cached = this.cachePath(key);
    mkdirSync(dirname(cached), { recursive: true, mode: 0o700 });
    renameSync(localFile, cached);
    this.lru.addPinned(key, bytes);
    this.lru.unpin(key);
    this.evict();
  }

  async remove(dataset: string, files: readonly Pick<DatasetFile, 'day' | 'name'>[]): Promise<void> {
    const keys = files.map((f) => this.key(dataset, f.day, f.name));
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const out = await this.client.send(new DeleteObjectsCommand({ Bucket: this.o.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      const failed = out.Errors?.[0];
      if (failed) throw new Error(`deleting s3://${this.o.bucket}/${failed.Key ?? ''} failed: ${failed.Code ?? ''} ${failed.Message ?? ''}`);
    }
    for (const key of keys) {
      this.lru.remove(key);
      rmSync(this.cachePath(key), { force: true });
    }
  }

  async removeDataset(dataset: string): Promise<void> {
    await this.remove(dataset, await this.list(dataset));
  }

  async open(dataset: string, files: readonly Pick<DatasetFile, 'day' | 'name'>[]): Promise<OpenedFiles> {
    const keys: string[] = [];
    const release = (): void => {
      for (const key of keys) this.lru.unpin(key);
      this.evict();
    };
    try {
      for (const f of files) {
        const key = this.key(dataset, f.day, f.name);
        await this.fetch(key);
        keys.push(key);
      }
    } catch (error) {
      release();
      throw error;
    }
    this.evict();
    return { dir: this.cachePath(dataset), paths: keys.map((k) => this.cachePath(k)), release };
  }

  /** Makes `key` cached and pins it once for the caller. */
  private async fetch(key: string): Promise<void> {
    for (;;) {
      if (this.lru.pin(key)) return;
      const pending = this.downloads.get(key);
      if (pending) {
        // Another query is downloading it: share that download, then pin (or try again if it failed).
        await pending.catch(() => undefined);
        continue;
      }
      const download = this.download(key).finally(() => this.downloads.delete(key));
      this.downloads.set(key, download);
      await download;
      return;
    }
  }

  private async download(key: string): Promise<void> {
    const temporary = join(this.scratch, `${randomUUID()}.part`);
    try {
      let body: unknown;
      try {
        body = (await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }))).Body;
      } catch (error) {
        // Compacted or dropped since it was listed: the engine lists again on this message.
        if (codeOf(error) === 'NoSuchKey') throw new Error(`No such file: ${key}`);
        throw error;
      }
      if (!(body instanceof Readable)) throw new Error(`S3 returned no body for ${key}`);
      await pipeline(body, createWriteStream(temporary, { mode: 0o600 }));
      const cached = this.cachePath(key);
      mkdirSync(dirname(cached), { recursive: true, mode: 0o700 });
      renameSync(temporary, cached);
      this.lru.addPinned(key, statSync(cached).size);
    } finally {
      rmSync(temporary, { force: true });
    }
  }

  private evict(): void {
    for (const key of this.lru.evict()) rmSync(this.cachePath(key), { force: true });
  }

  private cachePath(key: string): string {
    return join(this.o.cacheDir, key);
  }
}
