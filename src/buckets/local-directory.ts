import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { KeyService } from './kms.js';
import { decryptEnvelope, ENVELOPE, METADATA_DIR } from './local-envelope.js';
import type { Envelope } from './local-envelope.js';
import type { BucketStore, PutOptions, StoredObject } from './types.js';
import { BucketError } from './types.js';

const TEMP_SUFFIX = '.cairn-tmp';

/**
 * A directory laid out as S3: `<root>/<bucket>/<key>`. A bucket is a directory that must exist.
 * Objects are written to a temporary file, synced, then renamed: a reader sees all of it or nothing.
 */
export class LocalDirectoryBuckets implements BucketStore {
  readonly description: string;
  readonly supportsEncryption: boolean;

  /** With `keys`, objects put with a KMS key are envelope-encrypted and read back decrypted. */
  constructor(
    private readonly root: string,
    private readonly keys?: KeyService,
  ) {
    this.description = `local directory ${root}`;
    this.supportsEncryption = keys !== undefined;
  }

  private bucketDir(bucket: string): string {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new BucketError('InvalidBucketName', `The specified bucket is not valid: ${bucket}`);
    return join(this.root, bucket);
  }

  private objectPath(base: string, key: string): string {
    const parts = key.split('/');
    if (key.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..') || key.endsWith(TEMP_SUFFIX)) {
      throw new BucketError('InvalidArgument', `Cairn's local buckets do not take the key ${key}`);
    }
    return join(base, ...parts);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      return (await stat(this.bucketDir(bucket))).isDirectory();
    } catch {
      return false;
    }
  }

  async createBucket(bucket: string): Promise<void> {
    await mkdir(this.bucketDir(bucket), { recursive: true });
  }

  async putObject(bucket: string, key: string, body: Buffer, options: PutOptions = {}): Promise<void> {
    if (!(await this.bucketExists(bucket))) throw new BucketError('NoSuchBucket', `The specified bucket does not exist: ${bucket}`);
    const metaPath = this.objectPath(join(this.root, METADATA_DIR, bucket), key) + '.json';
    const metadata: Record<string, string> = { ...(options.metadata ?? {}) };
    let stored = body;
    if (options.kmsKeyId) {
      if (!this.keys) throw new BucketError('KMS.DisabledException', 'Local buckets need a KMS endpoint to encrypt objects.');
      const { plaintext, wrapped } = await this.keys.generateDataKey(options.kmsKeyId);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', plaintext, iv);
      stored = Buffer.concat([cipher.update(body), cipher.final()]);
      const envelope: Envelope = { algorithm: 'AES-256-GCM', kmsKeyId: options.kmsKeyId, wrappedKey: wrapped.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
      metadata[ENVELOPE] = JSON.stringify(envelope);
    }
    // Most objects (log files) carry no metadata: no file and no fsync for them.
    if (Object.keys(metadata).length > 0) await writeDurably(metaPath, Buffer.from(JSON.stringify(metadata)));
    else await rm(metaPath, { force: true });
    await writeDurably(this.objectPath(this.bucketDir(bucket), key), stored);
  }

  async getObject(bucket: string, key: string): Promise<StoredObject | undefined> {
    let body: Buffer;
    try {
      body = await readFile(this.objectPath(this.bucketDir(bucket), key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let metadata: Record<string, string> = {};
    try {
      metadata = JSON.parse(await readFile(this.objectPath(join(this.root, METADATA_DIR, bucket), key) + '.json', 'utf8')) as Record<string, string>;
    } catch {
      // An object copied in by hand has no metadata.
    }
    const envelope = metadata[ENVELOPE];
    if (envelope === undefined) return { body, metadata };
    delete metadata[ENVELOPE];
    return { body: await decryptEnvelope(body, JSON.parse(envelope) as Envelope, this.keys), metadata };
  }

  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const base = this.bucketDir(bucket);
    if (!(await this.bucketExists(bucket))) throw new BucketError('NoSuchBucket', `The specified bucket does not exist: ${bucket}`);
    const keys: string[] = [];
    const walk = async (dir: string, relative: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const key = relative + entry.name;
        if (entry.isDirectory()) {
          // Only descend where keys can still start with the prefix.
          if ((key + '/').startsWith(prefix) || prefix.startsWith(key + '/')) await walk(join(dir, entry.name), key + '/');
        } else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX) && key.startsWith(prefix)) {
          keys.push(key);
        }
      }
    };
    await walk(base, '');
    return keys.sort();
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await rm(this.objectPath(this.bucketDir(bucket), key), { force: true });
    await rm(this.objectPath(join(this.root, METADATA_DIR, bucket), key) + '.json', { force: true });
  }
}

async function writeDurably(path: string, body: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  // The rename itself must survive a crash: sync the directory.
  const dir = await open(dirname(path) + sep, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
