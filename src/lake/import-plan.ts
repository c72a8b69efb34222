/**
 * Which objects of a trail archive an import reads (pure). As in AWS, only log files under a
 * `CloudTrail/` prefix are taken (digests and Insights files are not events of the trail), unless
 * the source URI itself points below another prefix. With a time range, a file whose name says it
 * was delivered before the start, or a day after the end, is not read at all; events are still
 * filtered one by one.
 */

export interface ArchiveKey {
  key: string;
  /** The delivery time in the file name, epoch ms. */
  deliveredAt?: number;
}

export interface ArchivePlan {
  files: ArchiveKey[];
  /** Each prefix (the key up to its last `/`) holding files → its last file's key. */
  prefixes: Map<string, string>;
}

const LOG_FILE = /\.json(\.gz)?$/;
const DELIVERY_TIME = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]*$/;
const DAY_MS = 86_400_000;
/** File names carry the minute only: a margin keeps the last events of a minute in range. */
const NAME_MARGIN_MS = 5 * 60_000;

export function deliveryTime(key: string): number | undefined {
  const m = DELIVERY_TIME.exec(key);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) : undefined;
}

function isTrailLogKey(key: string, prefix: string): boolean {
  if (!LOG_FILE.test(key)) return false;
  const segments = key.split('/');
  if (segments.includes('CloudTrail')) return true;
  // Digests and Insights never; anything else only when the URI names a prefix outside AWSLogs/.
  if (segments.some((s) => s === 'CloudTrail-Digest' || s === 'CloudTrail-Insight')) return false;
  return prefix !== '' && !prefix.includes('AWSLogs');
}

export function selectArchiveKeys(keys: readonly string[], prefix: string, start?: number, end?: number): ArchivePlan {
  const files: ArchiveKey[] = [];
  const prefixes = new Map<string, string>();
  for (const key of [...keys].sort()) {
    if (!key.startsWith(prefix) || !isTrailLogKey(key, prefix)) continue;
    const deliveredAt = deliveryTime(key);
    // A file holds events from before its delivery: delivered before the start, it has none in range.
    if (deliveredAt !== undefined && start !== undefined && deliveredAt + NAME_MARGIN_MS < start) continue;
    if (deliveredAt !== undefined && end !== undefined && deliveredAt > end + DAY_MS) continue;
    files.push(deliveredAt !== undefined ? { key, deliveredAt } : { key });
    prefixes.set(key.slice(0, key.lastIndexOf('/') + 1), key);
  }
  return { files, prefixes };
}
