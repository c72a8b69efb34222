import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { isoSeconds } from './layout.js';
import type { DeliveredLogFile, DigestChain, SigningKey } from './types.js';

/** A digest file's bytes and signature, ready to store. */
export interface SignedDigest {
  body: Buffer;
  /** Hex SHA256withRSA signature (object metadata `signature`). */
  signature: string;
  hash: string;
}

export interface DigestInput {
  accountId: string;
  bucket: string;
  key: string;
  startTime: number;
  endTime: number;
  chain: DigestChain;
  signingKey: SigningKey;
}

/**
 * Builds the digest JSON in AWS's field order and signs the exact bytes stored:
 * `endTime \n bucket/key \n sha256(body) \n previousSignature|null`.
 */
export function buildDigest(input: DigestInput): SignedDigest {
  const files = input.chain.logFiles;
  const times = files.flatMap((f) => [f.oldestEventTime, f.newestEventTime]).sort();
  const previous = input.chain.previous;
  const document = {
    awsAccountId: input.accountId,
    digestStartTime: isoSeconds(input.startTime),
    digestEndTime: isoSeconds(input.endTime),
    digestS3Bucket: input.bucket,
    digestS3Object: input.key,
    digestPublicKeyFingerprint: input.signingKey.fingerprint,
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: times.at(-1) ?? null,
    oldestEventTime: times[0] ?? null,
    previousDigestS3Bucket: previous?.bucket ?? null,
    previousDigestS3Object: previous?.key ?? null,
    previousDigestHashValue: previous?.hash ?? null,
    previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
    previousDigestSignature: previous?.signature ?? null,
    logFiles: files.map((f: DeliveredLogFile) => ({
      s3Bucket: f.s3Bucket,
      s3Object: f.s3Object,
      hashValue: f.hashValue,
      hashAlgorithm: 'SHA-256',
      newestEventTime: f.newestEventTime,
      oldestEventTime: f.oldestEventTime,
    })),
  };
  const body = Buffer.from(JSON.stringify(document));
  const hash = createHash('sha256').update(body).digest('hex');
  const toSign = `${document.digestEndTime}\n${input.bucket}/${input.key}\n${hash}\n${previous?.signature ?? 'null'}`;
  const signature = sign('sha256', Buffer.from(toSign), createPrivateKey(input.signingKey.privateKeyPem)).toString('hex');
  return { body, signature, hash };
}

/** A new RSA-2048 key pair for a region; the public half as PKCS#1 DER, as the AWS CLI loads it. */
export function newSigningKey(region: string, validFrom: number): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyDer = publicKey.export({ type: 'pkcs1', format: 'der' });
  return {
    region,
    fingerprint: createHash('md5').update(publicKeyDer).digest('hex'),
    publicKeyDer,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    validFrom,
  };
}

/** Where signing keys are kept (the trail store). */
export interface SigningKeyStore {
  signingKeys(region: string): Promise<SigningKey[]>;
  addSigningKey(key: SigningKey): Promise<void>;
}

/** How long a region signs with one key pair before it makes the next (older keys stay listed). */
export const SIGNING_KEY_ROTATION_MS = 30 * 86_400_000;

/** The region's current key: made on first use, replaced once it is older than the rotation period. */
export async function currentSigningKey(store: SigningKeyStore, region: string, now: number, rotationMs = SIGNING_KEY_ROTATION_MS): Promise<SigningKey> {
  const existing = (await store.signingKeys(region)).at(-1);
  if (existing && now - existing.validFrom < rotationMs) return existing;
  await store.addSigningKey(newSigningKey(region, now));
  const created = (await store.signingKeys(region)).at(-1);
  if (!created) throw new Error(`no signing key for ${region}`);
  return created;
}
