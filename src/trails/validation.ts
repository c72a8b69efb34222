import { createHash, createPublicKey, verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/**
 * `validate-logs` as the AWS CLI does it: list the trail's digests in range, walk them newest to
 * oldest along the previous-digest chain checking each signature, then hash every log file a valid
 * digest lists. Same verdicts, messages and summary; storage and keys come in through `ValidationIo`.
 */
export interface ValidationIo {
  listKeys(bucket: string, prefix: string): Promise<string[]>;
  /** undefined when the object does not exist. */
  getObject(bucket: string, key: string): Promise<{ body: Buffer; metadata: Record<string, string> } | undefined>;
  /** Public keys (PKCS#1 DER) by lowercase hex fingerprint, for the home region. */
  publicKeys(start: number, end: number): Promise<Map<string, Buffer>>;
  out(text: string): void;
  err(text: string): void;
}

export interface ValidationRequest {
  trailArn: string;
  bucket: string;
  prefix?: string;
  accountId: string;
  sourceRegion: string;
  start: number;
  end: number;
  verbose: boolean;
}

const HOUR = 3_600_000;
const REQUIRED = ['digestPublicKeyFingerprint', 'digestS3Bucket', 'digestS3Object', 'previousDigestSignature', 'digestEndTime', 'digestStartTime'];

const display = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const compact = (ms: number): string => display(ms).replace(/[-:]/g, '');
/** The digest key's timestamp, read by position as the CLI does. */
const keyDate = (key: string): string => key.slice(-24, -8);
const parseCompact = (s: string): number => Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

interface Digest {
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestSignature: string | null;
  previousDigestS3Bucket?: string | null;
  previousDigestS3Object?: string | null;
  logFiles: { s3Bucket: string; s3Object: string; hashValue: string }[];
}

class DigestProblem extends Error {}

export function parseTrailArnParts(arn: string): { homeRegion: string; accountId: string; name: string } {
  if (!/arn:.+:cloudtrail:.+:\d{12}:trail\/.+/.test(arn)) throw new Error(`Invalid trail ARN provided: ${arn}`);
  const parts = arn.split(':');
  return { homeRegion: parts[3]!, accountId: parts[4]!, name: arn.slice(arn.lastIndexOf('/') + 1) };
}

/** Runs the validation; resolves true when everything found is valid (exit 0). */
export async function validateLogs(req: ValidationRequest, io: ValidationIo): Promise<boolean> {
  const { homeRegion, name } = parseTrailArnParts(req.trailArn);
  const base = `${req.prefix ? `${req.prefix}/` : ''}AWSLogs/${req.accountId}/CloudTrail-Digest/${req.sourceRegion}`;
  const pattern = new RegExp(
    `^${escape(base)}/\\d+/\\d+/\\d+/${req.accountId}_CloudTrail\\-Digest_${escape(req.sourceRegion)}_${escape(name)}_${escape(homeRegion)}_.+\\.json\\.gz$`,
  );
  const from = compact(req.start);
  const until = compact(req.end + HOUR);
  const digests: string[] = [];
  for (const key of await io.listKeys(req.bucket, base)) {
    if (!pattern.test(key) || key.endsWith('_backfill.json.gz')) continue;
    const date = keyDate(key);
    if (date > until) break;
    if (date >= from) digests.push(key);
  }
  let validDigests = 0;
  let invalidDigests = 0;
  let validLogs = 0;
  let invalidLogs = 0;
  let foundStart: number | undefined;
  let foundEnd: number | undefined;
  let doubleSpaced = false;
  const status = (message: string, error = false): void => {
    if (error) {
      io.err(doubleSpaced ? `${message}\n\n` : `\n${message}\n\n`);
      doubleSpaced = true;
    } else if (req.verbose) {
      doubleSpaced = false;
      io.out(`${message}\n`);
    }
  };
  io.out(`Validating log files for trail ${req.trailArn} between ${display(req.start)} and ${display(req.end)}\n\n`);
  const keys = digests.length > 0 ? await io.publicKeys(req.start, req.end + 2 * HOUR) : new Map<string, Buffer>();
  if (digests.length > 0 && keys.size === 0) throw new Error(`No public keys found between ${display(req.start)} and ${display(req.end + 2 * HOUR)}`);

  /** The newest remaining listed digest older than `before` (or the newest when no key is given). */
  const nextListed = (before?: string): string | undefined => {
    if (before === undefined) return digests.pop();
    const limit = parseCompact(keyDate(before));
    while (digests.length > 0) {
      const candidate = digests.pop()!;
      if (parseCompact(keyDate(candidate)) < limit) return candidate;
    }
    return undefined;
  };

  let bucket = req.bucket;
  let key = nextListed();
  let lastStart = key ? parseCompact(keyDate(key)) : 0;
  while (key && req.start <= lastStart) {
    const object = await io.getObject(bucket, key);
    if (!object) {
      invalidDigests++;
      status(`Digest file\ts3://${bucket}/${key}\tINVALID: not found`, true);
      key = nextListed(key);
      continue;
    }
    let digest: Digest;
    try {
      digest = checkDigest(bucket, key, object, keys, homeRegion);
    } catch (error) {
      invalidDigests++;
      status(error instanceof DigestProblem ? error.message : `Digest file\ts3://${bucket}/${key}\tINVALID: ${(error as Error).message}`, true);
      key = nextListed(key);
      continue;
    }
    validDigests++;
    const start = Date.parse(digest.digestStartTime);
    const end = Date.parse(digest.digestEndTime);
    foundStart = Math.min(foundStart ?? Infinity, Math.max(start, req.start));
    foundEnd = Math.max(foundEnd ?? -Infinity, Math.min(end, req.end));
    lastStart = start;
    status(`Digest file\ts3://${digest.digestS3Bucket}/${digest.digestS3Object}\tvalid`);
    for (const log of digest.logFiles) {
      const verdict = await checkLog(io, log);
      if (verdict === 'valid') {
        validLogs++;
        status(`Log file\ts3://${log.s3Bucket}/${log.s3Object}\tvalid`);
      } else {
        invalidLogs++;
        status(`Log file\ts3://${log.s3Bucket}/${log.s3Object}\tINVALID: ${verdict}`, true);
      }
    }
    if (!digest.previousDigestS3Bucket || !digest.previousDigestS3Object) {
      // A starting digest: the chain is broken here, so continue with the next listed digest.
      key = nextListed(key);
      if (key) status(`No log files were delivered by CloudTrail between ${display(parseCompact(keyDate(key)))} and ${display(lastStart)}`, true);
    } else {
      bucket = digest.previousDigestS3Bucket;
      key = digest.previousDigestS3Object;
    }
  }

  if (!doubleSpaced) io.out('\n');
  io.out(`Results requested for ${display(req.start)} to ${display(req.end)}\n`);
  if (validDigests + invalidDigests === 0) {
    io.out('No digests found\n');
    return true;
  }
  if (foundStart === undefined || foundEnd === undefined) io.out('No valid digests found in range\n');
  else io.out(`Results found for ${display(foundStart)} to ${display(foundEnd)}:\n`);
  const ratio = (valid: number, invalid: number, what: string): void => {
    const total = valid + invalid;
    if (total === 0) return;
    io.out(`\n${valid}/${total} ${what} files valid${invalid > 0 ? `, ${invalid}/${total} ${what} files INVALID` : ''}`);
  };
  ratio(validDigests, invalidDigests, 'digest');
  ratio(validLogs, invalidLogs, 'log');
  io.out('\n');
  return invalidDigests + invalidLogs === 0;
}

function checkDigest(bucket: string, key: string, object: { body: Buffer; metadata: Record<string, string> }, keys: Map<string, Buffer>, homeRegion: string): Digest {
  let inflated: Buffer;
  let digest: Digest;
  try {
    inflated = gunzipSync(object.body);
    digest = JSON.parse(inflated.toString()) as Digest;
  } catch {
    throw new DigestProblem(`Digest file\ts3://${bucket}/${key}\tINVALID: invalid format`);
  }
  const signature = object.metadata.signature;
  if (!signature || !object.metadata['signature-algorithm']) throw new DigestProblem(`Digest file\ts3://${bucket}/${key}\tINVALID: signature verification failed`);
  if (!digest || typeof digest !== 'object' || REQUIRED.some((k) => !(k in digest))) throw new DigestProblem(`Digest file\ts3://${bucket}/${key}\tINVALID: invalid format`);
  if (digest.digestS3Bucket !== bucket || digest.digestS3Object !== key) {
    throw new DigestProblem(`Digest file\ts3://${bucket}/${key}\tINVALID: has been moved from its original location`);
  }
  const der = keys.get(digest.digestPublicKeyFingerprint);
  if (!der) {
    throw new DigestProblem(`Digest file\ts3://${bucket}/${key}\tINVALID: public key not found in region ${homeRegion} for fingerprint ${digest.digestPublicKeyFingerprint}`);
  }
  const toSign = `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${createHash('sha256').update(inflated).digest('hex')}\n${digest.previousDigestSignature ?? 'null'}`;
  let ok = false;
  try {
    ok = verify('sha256', Buffer.from(toSign), createPublicKey({ key: der, format: 'der', type: 'pkcs1' }), Buffer.from(signature, 'hex'));
  } catch {
    ok = false;
  }
  if (!ok) throw new DigestProblem(`Digest file\ts3://${bucket}/${key}\tINVALID: signature verification failed`);
  return digest;
}

async function checkLog(io: ValidationIo, log: { s3Bucket: string; s3Object: string; hashValue: string }): Promise<string> {
  let object;
  try {
    object = await io.getObject(log.s3Bucket, log.s3Object);
  } catch {
    // An encrypted object whose ciphertext or tag was changed does not decrypt.
    return 'invalid format';
  }
  if (!object) return 'not found';
  let body: Buffer;
  try {
    body = gunzipSync(object.body);
  } catch {
    return 'invalid format';
  }
  return createHash('sha256').update(body).digest('hex') === log.hashValue ? 'valid' : "hash value doesn't match";
}
