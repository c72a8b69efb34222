import { createDecipheriv } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { KeyService } from './kms.js';
import { BucketError } from './types.js';

/** Object metadata lives beside the buckets, never inside one, so a bucket holds exactly its objects. */
export const METADATA_DIR = '.cairn-metadata';
/** Metadata member holding an encrypted object's wrapped data key, IV and tag (never shown as user metadata). */
export const ENVELOPE = 'x-cairn-envelope';

/** How a local bucket's object was envelope-encrypted: an AES-256-GCM data key wrapped by a KMS key. */
export interface Envelope {
  algorithm: 'AES-256-GCM';
  kmsKeyId: string;
  wrappedKey: string;
  iv: string;
  tag: string;
}

/** The plaintext of an envelope-encrypted object; the GCM tag is checked before anything is returned. */
export async function decryptEnvelope(body: Buffer, envelope: Envelope, keys: KeyService | undefined): Promise<Buffer> {
  if (!keys) {
    throw new BucketError('KMS.DisabledException', `This object is encrypted with ${envelope.kmsKeyId}; reading it needs the KMS endpoint (--kms-endpoint).`);
  }
  const key = await keys.decryptDataKey(Buffer.from(envelope.wrappedKey, 'base64'), envelope.kmsKeyId);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new BucketError('InvalidCiphertext', 'The object does not match its envelope: it was modified after encryption.');
  }
}

/**
 * Reads files that may be objects of a local bucket tree (`<root>/<bucket>/<key>`, metadata under
 * `<root>/.cairn-metadata/<bucket>/<key>.json`): an envelope-encrypted one comes back decrypted,
 * anything else as undefined (read it as it is). This is how `cairn import` of a bucket directory
 * reads encrypted log files transparently.
 */
export class LocalObjectDecryptor {
  /** Directory → whether it holds a metadata tree (most imports walk one tree: asked once per directory). */
  private readonly metadataRoots = new Map<string, boolean>();

  constructor(private readonly keys: KeyService | undefined) {}

  async read(path: string): Promise<Buffer | undefined> {
    const located = await this.locate(resolve(path));
    if (!located) return undefined;
    let metadata: Record<string, string>;
    try {
      metadata = JSON.parse(await readFile(located, 'utf8')) as Record<string, string>;
    } catch {
      return undefined;
    }
    const envelope = metadata[ENVELOPE];
    if (envelope === undefined) return undefined;
    return decryptEnvelope(await readFile(path), JSON.parse(envelope) as Envelope, this.keys);
  }

  /** The metadata file an object at `file` would have, under the nearest enclosing bucket tree. */
  private async locate(file: string): Promise<string | undefined> {
    // `file` = <root>/<bucket>/<key...>: try each ancestor as the bucket directory, nearest first.
    for (let bucketDir = dirname(file); dirname(bucketDir) !== bucketDir; bucketDir = dirname(bucketDir)) {
      const root = dirname(bucketDir);
      if (!(await this.holdsMetadata(root))) continue;
      return join(root, METADATA_DIR, basename(bucketDir), ...relative(bucketDir, file).split(sep)) + '.json';
    }
    return undefined;
  }

  private async holdsMetadata(dir: string): Promise<boolean> {
    let known = this.metadataRoots.get(dir);
    if (known === undefined) {
      known = await stat(join(dir, METADATA_DIR)).then(
        (s) => s.isDirectory(),
        () => false,
      );
      this.metadataRoots.set(dir, known);
    }
    return known;
  }
}
