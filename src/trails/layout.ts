import { createHash } from 'node:crypto';

/** S3 object keys exactly as CloudTrail lays them out (log files and digests). */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function dateParts(time: number): { y: string; m: string; d: string; hh: string; mm: string; ss: string } {
  const t = new Date(time);
  return { y: String(t.getUTCFullYear()), m: pad(t.getUTCMonth() + 1), d: pad(t.getUTCDate()), hh: pad(t.getUTCHours()), mm: pad(t.getUTCMinutes()), ss: pad(t.getUTCSeconds()) };
}

function base(prefix: string | undefined, accountId: string): string {
  return `${prefix ? `${prefix.replace(/\/+$/, '')}/` : ''}AWSLogs/${accountId}/`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 16 letters and digits derived from `seed`: the same batch always gets the same key. */
export function uniqueSuffix(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < 16; i++) out += ALNUM[digest[i]! % ALNUM.length];
  return out;
}

export function logFileKey(o: { prefix?: string; accountId: string; region: string; deliveryTime: number; unique: string }): string {
  const p = dateParts(o.deliveryTime);
  return (
    `${base(o.prefix, o.accountId)}CloudTrail/${o.region}/${p.y}/${p.m}/${p.d}/` +
    `${o.accountId}_CloudTrail_${o.region}_${p.y}${p.m}${p.d}T${p.hh}${p.mm}Z_${o.unique}.json.gz`
  );
}

export function digestKey(o: { prefix?: string; accountId: string; region: string; trailName: string; homeRegion: string; endTime: number }): string {
  const p = dateParts(o.endTime);
  return (
    `${base(o.prefix, o.accountId)}CloudTrail-Digest/${o.region}/${p.y}/${p.m}/${p.d}/` +
    `${o.accountId}_CloudTrail-Digest_${o.region}_${o.trailName}_${o.homeRegion}_${p.y}${p.m}${p.d}T${p.hh}${p.mm}${p.ss}Z.json.gz`
  );
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the digest's time format. */
export function isoSeconds(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
