import { gunzipSync } from 'node:zlib';
import { AwsError } from '../api/index.js';
import type { BucketStore } from '../buckets/index.js';
import { toJournalEntry } from '../records/index.js';
import type { CloudTrailService, CallContext } from '../services/index.js';
import { toWireEvent } from '../services/index.js';
import type { SigningKey } from '../trails/index.js';
import { validateLogs } from '../trails/index.js';

/** What the log-file pages need besides the CloudTrail service. */
export interface LogFileDeps {
  service: CloudTrailService;
  buckets: BucketStore;
  signingKeys(region: string): Promise<SigningKey[]>;
}

interface TrailLocation {
  arn: string;
  bucket: string;
  prefix: string | undefined;
  validation: boolean;
  /** `<prefix/>AWSLogs/<account>/CloudTrail/` */
  logsBase: string;
}

/** A log file key: `.../CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16>.json.gz`. */
const LOG_KEY = /CloudTrail\/([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]*_(\d{8}T\d{4}Z)_[^/]+\.json\.gz$/;

/** The trail as the caller may see it (GetTrail authorises by the caller's account and region). */
async function locate(deps: LogFileDeps, input: Record<string, unknown>, ctx: CallContext): Promise<TrailLocation> {
  const name = input.TrailARN;
  if (typeof name !== 'string' || name === '') throw new AwsError('InvalidParameterException', 'TrailARN is required.');
  const out = await deps.service.call('GetTrail', { Name: name }, ctx);
  const trail = out.Trail as { TrailARN: string; S3BucketName: string; S3KeyPrefix?: string; LogFileValidationEnabled?: boolean };
  const accountId = trail.TrailARN.split(':')[4] ?? ctx.accountId;
  const prefix = trail.S3KeyPrefix;
  return {
    arn: trail.TrailARN,
    bucket: trail.S3BucketName,
    prefix,
    validation: trail.LogFileValidationEnabled === true,
    logsBase: `${prefix ? `${prefix}/` : ''}AWSLogs/${accountId}/CloudTrail/`,
  };
}

/** Console-only `ListLogFiles {TrailARN}`: every log file of the trail, newest first, with its region and day. */
export async function listLogFiles(deps: LogFileDeps, input: Record<string, unknown>, ctx: CallContext): Promise<Record<string, unknown>> {
  const trail = await locate(deps, input, ctx);
  const keys = await deps.buckets.listKeys(trail.bucket, trail.logsBase);
  const files = [];
  for (const key of keys) {
    const m = LOG_KEY.exec(key);
    if (!m) continue;
    files.push({ Key: key, Region: m[1], Day: `${m[2]}-${m[3]}-${m[4]}`, DeliveredAt: stampToIso(m[5] ?? '') });
  }
  files.sort((a, b) => (a.DeliveredAt === b.DeliveredAt ? b.Key.localeCompare(a.Key) : b.DeliveredAt.localeCompare(a.DeliveredAt)));
  return { Bucket: trail.bucket, LogFileValidationEnabled: trail.validation, LogFiles: files };
}

/**
 * Console-only `GetLogFile {TrailARN, Key}`: the file's records in LookupEvents' Event shape (so the
 * console shows them in the event history table) and its integrity, judged by the same traversal
 * `cairn validate-logs` runs: VALID, INVALID (with the reason), PENDING (no digest lists it yet) or
 * NOT_ENABLED (the trail does not validate log files).
 */
export async function getLogFile(deps: LogFileDeps, input: Record<string, unknown>, ctx: CallContext): Promise<Record<string, unknown>> {
  const trail = await locate(deps, input, ctx);
  const key = input.Key;
  if (typeof key !== 'string' || !key.startsWith(trail.logsBase) || !LOG_KEY.test(key)) {
    throw new AwsError('InvalidParameterException', 'Key must name one of the trail\'s log files.');
  }
  const object = await deps.buckets.getObject(trail.bucket, key);
  if (!object) throw new AwsError('ResourceNotFoundException', `No log file s3://${trail.bucket}/${key}.`);
  let records: unknown[];
  try {
    const parsed = JSON.parse(gunzipSync(object.body).toString('utf8')) as { Records?: unknown };
    records = Array.isArray(parsed.Records) ? parsed.Records : [];
  } catch {
    throw new AwsError('InvalidParameterException', `s3://${trail.bucket}/${key} is not a gzip CloudTrail log file.`);
  }
  const events = records.map((record) => toWireEvent({ ...toJournalEntry(JSON.stringify(record), record), seq: 0, receivedAt: 0 }));
  return { Bucket: trail.bucket, Key: key, Events: events, Integrity: await integrity(deps, trail, key) };
}

async function integrity(deps: LogFileDeps, trail: TrailLocation, key: string): Promise<{ Status: string; Message: string }> {
  if (!trail.validation) return { Status: 'NOT_ENABLED', Message: 'Log file validation is not enabled for this trail.' };
  const m = LOG_KEY.exec(key);
  const region = m?.[1] ?? '';
  const delivered = Date.parse(stampToIso(m?.[5] ?? ''));
  const lines: string[] = [];
  const accountId = trail.arn.split(':')[4] ?? '';
  await validateLogs(
    { trailArn: trail.arn, bucket: trail.bucket, prefix: trail.prefix, accountId, sourceRegion: region, start: delivered - 2 * 3_600_000, end: Date.now(), verbose: true },
    {
      listKeys: (b, p) => deps.buckets.listKeys(b, p),
      getObject: (b, k) => deps.buckets.getObject(b, k),
      publicKeys: async (start, end) => {
        const keys = await deps.signingKeys(region);
        return new Map(keys.filter((k) => k.validFrom <= end && (k.validTo ?? Infinity) >= start).map((k) => [k.fingerprint, k.publicKeyDer]));
      },
      out: (text) => lines.push(text),
      err: (text) => lines.push(text),
    },
  ).catch((error: unknown) => lines.push(`Log file\ts3://${trail.bucket}/${key}\tINVALID: ${(error as Error).message}\n`));
  const mine = `Log file\ts3://${trail.bucket}/${key}\t`;
  const verdict = lines.join('').split('\n').find((line) => line.startsWith(mine))?.slice(mine.length);
  if (verdict === 'valid') return { Status: 'VALID', Message: 'A signed digest file lists this log file and its SHA-256 hash matches.' };
  if (verdict !== undefined) return { Status: 'INVALID', Message: verdict.replace(/^INVALID: /, '') };
  return { Status: 'PENDING', Message: 'No digest file lists this log file yet (digests are written once per digest period).' };
}

function stampToIso(stamp: string): string {
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:00Z`;
}
