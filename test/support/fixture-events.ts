/**
 * Expected LookupEvents results computed straight from the fixture files, independently of Cairn's code:
 * each record's exact text (the substring of the file, or a LookupEvents output's `CloudTrailEvent`
 * string), its account, region, category and the attribute values event history searches.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from './cairn-process.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'cloudtrail');
export const STRATUS = join(FIXTURES, 'stratus-red-team', 'detonation-logs');
export const PLASO = join(FIXTURES, 'plaso', 'test_data', 'jsonl', 'aws_cloudtrail.jsonl');
export const STREAMALERT_INSIGHTS = join(FIXTURES, 'streamalert', 'rules', 'classifier', 'cloudtrail', 'cloudtrail_insights.json');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface FixtureEvent {
  /** The record's text exactly as it appears in the file (or in a LookupEvents output's CloudTrailEvent). */
  raw: string;
  record: JsonObject;
  file: string;
  eventId: string;
  eventName: string;
  eventSource: string;
  /** eventTime, epoch ms. */
  eventTime: number;
  readOnly: boolean | undefined;
  accountId: string;
  region: string;
  category: 'Management' | 'Data' | 'Insight' | 'NetworkActivity' | 'Other';
  username: string | undefined;
  accessKeyId: string | undefined;
  /** The `resources` the record itself lists (AWS-written), as LookupEvents names them. */
  recordResources: { type?: string; name: string }[];
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The text of every outermost JSON object in `text` that is a CloudTrail record (has `eventID` and
 * `eventVersion`), wherever it sits (bare arrays, `Records` envelopes, test-case wrappers).
 */
export function recordTexts(text: string): string[] {
  const starts: number[] = [];
  const spans: [number, number][] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') starts.push(i);
    else if (c === '}') {
      const start = starts.pop();
      assert.ok(start !== undefined, 'unbalanced braces in fixture');
      spans.push([start, i + 1]);
    }
  }
  const records = spans.filter(([s, e]) => {
    const slice = text.slice(s, e);
    if (!slice.includes('"eventID"')) return false;
    const value = JSON.parse(slice) as Json;
    return isObject(value) && typeof value.eventID === 'string' && typeof value.eventVersion === 'string';
  });
  // Inner objects close first, so an enclosing record span comes later in `records`.
  return records.filter(([s, e]) => !records.some(([s2, e2]) => s2 < s && e <= e2)).map(([s, e]) => text.slice(s, e));
}

/** The Username event history shows for a caller (AWS's documented/observed rules, §2.2 of the reference). */
export function expectedUsername(identity: Json | undefined): string | undefined {
  if (!isObject(identity)) return undefined;
  const arnTail = (): string | undefined => {
    const arn = str(identity.arn);
    return arn?.includes('/') ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
  };
  switch (identity.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return str(identity.userName);
    case 'AssumedRole':
    case 'FederatedUser':
      return arnTail();
    default:
      return undefined;
  }
}

function categoryOf(r: JsonObject): FixtureEvent['category'] {
  if (typeof r.eventCategory === 'string') {
    return ['Management', 'Data', 'Insight', 'NetworkActivity'].includes(r.eventCategory) ? (r.eventCategory as FixtureEvent['category']) : 'Other';
  }
  if (r.eventType === 'AwsCloudTrailInsight') return 'Insight';
  if (r.managementEvent === false) return 'Data';
  return 'Management';
}

/** Builds the expectation for one record text; undefined when the record can't be an event-history event. */
export function toFixtureEvent(raw: string, file: string): FixtureEvent | undefined {
  const parsed = JSON.parse(raw) as Json;
  if (!isObject(parsed)) return undefined;
  const r = parsed;
  const details = isObject(r.insightDetails) ? r.insightDetails : undefined;
  const eventName = str(r.eventName) ?? str(details?.eventName);
  const eventSource = str(r.eventSource) ?? str(details?.eventSource);
  const eventId = str(r.eventID);
  const time = str(r.eventTime);
  const identity = isObject(r.userIdentity) ? r.userIdentity : undefined;
  const accountId = str(r.recipientAccountId) ?? str(identity?.accountId);
  const region = str(r.awsRegion);
  if (!eventName || !eventSource || !eventId || !time || !accountId || !region || Number.isNaN(Date.parse(time))) return undefined;
  const resources = Array.isArray(r.resources) ? r.resources : [];
  return {
    raw,
    record: r,
    file,
    eventId,
    eventName,
    eventSource,
    eventTime: Date.parse(time),
    readOnly: typeof r.readOnly === 'boolean' ? r.readOnly : undefined,
    accountId,
    region,
    category: categoryOf(r),
    username: expectedUsername(identity),
    accessKeyId: str(identity?.accessKeyId),
    recordResources: resources.filter(isObject).flatMap((res) => {
      const name = str(res.ARN);
      if (!name) return [];
      const type = str(res.type);
      return [type ? { type, name } : { name }];
    }),
  };
}

/** Every event-history event a fixture file holds. */
export function fixtureEvents(file: string): FixtureEvent[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.jsonl') && text.includes('"CloudTrailEvent"')) {
    // LookupEvents output, one Event per line: the record is the CloudTrailEvent string.
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        const event = JSON.parse(line) as Json;
        assert.ok(isObject(event) && typeof event.CloudTrailEvent === 'string');
        return toFixtureEvent(event.CloudTrailEvent, file) ?? [];
      });
  }
  return recordTexts(text).flatMap((raw) => toFixtureEvent(raw, file) ?? []);
}

/** LookupEvents output lines (AWS's own answer) of a `.jsonl` capture, by EventId. */
export function lookupOutputLines(file: string): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as Json;
    assert.ok(isObject(event) && typeof event.EventId === 'string');
    out.set(event.EventId, event);
  }
  return out;
}

/** Newest first; events with the same eventTime may come in any order. */
export function newestFirst(events: readonly FixtureEvent[]): FixtureEvent[] {
  return [...events].sort((a, b) => b.eventTime - a.eventTime);
}

/** `cairn import` into a data directory (server running or not); fails the test when it fails. */
export function importFixtures(dataDir: string, paths: readonly string[], extra: readonly string[] = []): string {
  const result = spawnSync(process.execPath, [CLI, 'import', '--data-dir', dataDir, ...extra, ...paths], { encoding: 'utf8' });
  assert.equal(result.status, 0, `cairn import failed: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** `cairn keys create ...`: the access key id and secret it prints. */
export function createKey(dataDir: string, args: readonly string[]): { accessKeyId: string; secretAccessKey: string; arn: string } {
  const result = spawnSync(process.execPath, [CLI, 'keys', 'create', '--data-dir', dataDir, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, `cairn keys create failed: ${result.stdout}${result.stderr}`);
  const read = (name: string): string => {
    const value = new RegExp(`^export ${name}=(.*)$`, 'm').exec(result.stdout)?.[1];
    assert.ok(value, `${name} missing from: ${result.stdout}`);
    return value;
  };
  const arn = /^# (\S+)$/m.exec(result.stdout)?.[1] ?? '';
  return { accessKeyId: read('AWS_ACCESS_KEY_ID'), secretAccessKey: read('AWS_SECRET_ACCESS_KEY'), arn };
}

/** Groups events by `${accountId}/${region}`. */
export function byAccountRegion(events: readonly FixtureEvent[]): Map<string, FixtureEvent[]> {
  const out = new Map<string, FixtureEvent[]>();
  for (const e of events) {
    const key = `${e.accountId}/${e.region}`;
    const list = out.get(key);
    if (list) list.push(e);
    else out.set(key, [e]);
  }
  return out;
}

/** Every stratus-red-team detonation log file. */
export function stratusFiles(): string[] {
  return readdirSync(STRATUS)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(STRATUS, n));
}
