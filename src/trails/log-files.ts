import { createHash } from 'node:crypto';
import type { StoredEvent } from '../records/index.js';
import { isoSeconds, logFileKey, uniqueSuffix } from './layout.js';

/** CloudTrail's cap is 50 MB compressed; capping the uncompressed text keeps every file well under it. */
export const MAX_LOG_FILE_BYTES = 50 * 1024 * 1024;

export interface LogFile {
  region: string;
  key: string;
  /** `{"Records":[...]}` with each record's text verbatim. */
  body: Buffer;
  /** Hex SHA-256 of `body` (uncompressed), as digests list it. */
  hash: string;
  oldestEventTime: string;
  newestEventTime: string;
  count: number;
}

/**
 * The files of one delivery: one or more per region (split at the size cap), keys derived from the
 * batch's position and delivery time so a retried batch writes exactly the same objects.
 */
export function buildLogFiles(
  events: readonly StoredEvent[],
  o: { trailArn: string; accountId: string; prefix?: string; afterSeq: number; deliveryTime: number; maxBytes?: number },
): LogFile[] {
  const maxBytes = o.maxBytes ?? MAX_LOG_FILE_BYTES;
  const byRegion = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const list = byRegion.get(e.region) ?? [];
    list.push(e);
    byRegion.set(e.region, list);
  }
  const files: LogFile[] = [];
  for (const region of [...byRegion.keys()].sort()) {
    let part: StoredEvent[] = [];
    let size = 0;
    const flush = (): void => {
      if (part.length === 0) return;
      const unique = uniqueSuffix(`${o.trailArn}|${region}|${o.afterSeq}|${files.length}`);
      files.push(logFileOf(part, region, logFileKey({ prefix: o.prefix, accountId: o.accountId, region, deliveryTime: o.deliveryTime, unique })));
      part = [];
      size = 0;
    };
    for (const e of byRegion.get(region)!) {
      const bytes = Buffer.byteLength(e.raw) + 1;
      if (part.length > 0 && size + bytes + 14 > maxBytes) flush();
      part.push(e);
      size += bytes;
    }
    flush();
  }
  return files;
}

function logFileOf(events: StoredEvent[], region: string, key: string): LogFile {
  const body = Buffer.from(`{"Records":[${events.map((e) => e.raw).join(',')}]}`);
  let oldest = Infinity;
  let newest = -Infinity;
  for (const e of events) {
    oldest = Math.min(oldest, e.eventTime);
    newest = Math.max(newest, e.eventTime);
  }
  return {
    region,
    key,
    body,
    hash: createHash('sha256').update(body).digest('hex'),
    oldestEventTime: isoSeconds(oldest),
    newestEventTime: isoSeconds(newest),
    count: events.length,
  };
}
