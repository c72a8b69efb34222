/**
 * A trail archive as S3 holds one (`AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<time>Z_<id>.json.gz`),
 * built from real logs: the stratus-red-team fixtures repacked into delivery files, and flaws2.cloud's
 * genuine delivery files byte for byte when ../shared is present. Each object carries the events the
 * test expects from it, computed here from the files (not by Cairn's code).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FixtureEvent } from '../support/fixture-events.js';
import { fixtureEvents, recordTexts, stratusFiles, toFixtureEvent } from '../support/fixture-events.js';
import { ROOT } from '../support/cairn-process.js';

export const FLAWS2 = join(ROOT, '..', 'shared', 'data', 'cloudtrail', 'flaws2-cloud');

export interface ArchiveObject {
  key: string;
  body: Buffer;
  /** The CloudTrail events in it (none for a corrupt or non-log object). */
  events: FixtureEvent[];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The S3 key AWS would deliver a file of these events under (time: a minute after the last event). */
export function deliveryKey(prefix: string, account: string, region: string, lastEvent: number, id: string): string {
  const t = new Date(lastEvent + 60_000);
  const y = t.getUTCFullYear();
  const mo = pad(t.getUTCMonth() + 1);
  const d = pad(t.getUTCDate());
  const stamp = `${y}${mo}${d}T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}Z`;
  return `${prefix}AWSLogs/${account}/CloudTrail/${region}/${y}/${mo}/${d}/${account}_CloudTrail_${region}_${stamp}_${id}.json.gz`;
}

/** One delivery file per stratus fixture and (account, region); `copy` tells copies apart (their ids repeat). */
export function stratusObjects(prefix = '', copy = 0): ArchiveObject[] {
  const out: ArchiveObject[] = [];
  stratusFiles().forEach((file, fileIndex) => {
    const groups = new Map<string, FixtureEvent[]>();
    for (const e of fixtureEvents(file)) {
      const k = `${e.accountId}|${e.region}`;
      groups.set(k, [...(groups.get(k) ?? []), e]);
    }
    let n = 0;
    for (const [k, events] of groups) {
      const [account, region] = k.split('|') as [string, string];
      const body = gzipSync(`{"Records":[${events.map((e) => e.raw).join(',')}]}`);
      const id = `s${pad(copy, 4)}f${pad(fileIndex, 3)}g${n++}`;
      out.push({ key: deliveryKey(prefix, account, region, Math.max(...events.map((e) => e.eventTime)), id), body, events });
    }
  });
  return out;
}

/** flaws2.cloud's delivery files as they are (empty when ../shared is absent). */
export function flaws2Objects(prefix = ''): ArchiveObject[] {
  if (!existsSync(FLAWS2)) return [];
  const out: ArchiveObject[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json.gz')) {
        const body = readFileSync(path);
        const text = gunzipSync(body).toString('utf8');
        out.push({ key: prefix + relative(FLAWS2, path), body, events: recordTexts(text).flatMap((raw) => toFixtureEvent(raw, path) ?? []) });
      }
    }
  };
  walk(FLAWS2);
  return out;
}

/** A log file cut short: gzip that ends mid-stream. */
export function corruptObject(prefix: string, account: string, region: string, at: number): ArchiveObject {
  const whole = gzipSync(`{"Records":[${'{"eventVersion":"1.08","eventID":"x"},'.repeat(200)}{}]}`);
  return { key: deliveryKey(prefix, account, region, at, 'corrupt'), body: whole.subarray(0, Math.floor(whole.length / 2)), events: [] };
}

/** Objects an import must not read: a digest, a README beside the logs. */
export function noiseObjects(prefix: string, account: string): ArchiveObject[] {
  return [
    { key: `${prefix}AWSLogs/${account}/CloudTrail-Digest/us-east-1/2020/01/01/${account}_CloudTrail-Digest_us-east-1_trail_us-east-1_20200101T000000Z.json.gz`, body: gzipSync('{"digestStartTime":"2020-01-01T00:00:00Z"}'), events: [] },
    { key: `${prefix}AWSLogs/${account}/README.txt`, body: Buffer.from('not a log file'), events: [] },
  ];
}

export function eventsOf(objects: readonly ArchiveObject[]): FixtureEvent[] {
  return objects.flatMap((o) => o.events);
}
