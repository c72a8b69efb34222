/**
 * Reads CloudTrail archives from disk: walks files and directories in a stable order, sniffs each file's
 * content (gzip by magic bytes, zip, JSON text), streams it through zlib and the record splitter, and
 * yields journal entries in batches. One bad file is reported and the walk goes on.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { ZlibOptions } from 'node:zlib';
import { InvalidRecordError, toJournalEntry } from '../records/index.js';
import type { JournalEntry } from '../records/index.js';
import type { PreparedAppend } from '../store/index.js';
import { MalformedJsonError, RecordSplitter } from './record-splitter.js';
import type { SplitItem } from './record-splitter.js';
import { ZipError, openZipMember, readZipDirectory, unsupportedMember } from './zip.js';

export const DEFAULT_BATCH_SIZE = 4096;
const READ_CHUNK = 1 << 20;
const GUNZIP_AHEAD = 4 << 20;
/** Distinct skip reasons kept per file. */
const MAX_SKIP_REASONS = 20;

export interface ReadOptions {
  /** Most entries per yielded batch (default 4096). */
  batchSize?: number;
  /**
   * Account and region for records that name none (never overrides the record; an S3 delivery file
   * name, `<account>_CloudTrail_<region>_...`, is used first).
   */
  fallback?: { accountId?: string; region?: string };
  /**
   * Records that went through Logstash lack `eventTime` but carry `@timestamp`: index them by it
   * (the record text is kept as it is). Default true.
   */
  logstashTimestamp?: boolean;
  /**
   * Reads a file stored encrypted (an envelope-encrypted object of a Cairn local bucket) and returns
   * its plaintext, or undefined for a file stored in the clear. A throw fails that file with its message.
   */
  decrypt?: (path: string) => Promise<Buffer | undefined>;
}

/** A file found on disk (a zip archive's members are read from it). */
export interface ArchiveFile {
  path: string;
  size: number;
  /** Named on the command line (not found by walking a directory). */
  explicit: boolean;
}

export interface FileResult {
  /** The file; a zip member is `archive.zip!/member`. */
  file: string;
  /**
   * ok: read to the end (records may have been skipped); failed: unreadable or malformed, `reason` says
   * why (entries read before the fault were still yielded); ignored: found by walking a directory and not
   * JSON (README, CSV, ...).
   */
  status: 'ok' | 'failed' | 'ignored';
  /** CloudTrail records read (entries yielded). */
  records: number;
  /** JSON values that are not CloudTrail records (or lack a field event history needs). */
  skipped: number;
  /** Bytes read from disk for this file. */
  bytes: number;
  reason?: string;
  /** Why values were skipped, with counts (at most 20 distinct reasons). */
  skipReasons?: Record<string, number>;
}

export interface ArchiveBatch {
  file: string;
  entries: JournalEntry[];
  /** Values skipped since the previous batch of this file. */
  skipped: number;
  /** Bytes read from disk so far, over the whole run (compressed size for gzip and zip). */
  bytesRead: number;
  /** Set on the last batch of each file. */
  done?: FileResult;
  /** The store's work on exactly these entries, done ahead by the reader thread (reader-thread.ts). */
  prepared?: PreparedAppend;
}

export interface ArchiveListing {
  files: ArchiveFile[];
  /** Paths that could not be listed (missing, unreadable). */
  missing: { file: string; reason: string }[];
}

/**
 * Expands paths into files: directories recursively (hidden entries skipped), each directory's entries
 * sorted by name (code-unit order), command-line order kept between arguments, each file once.
 */
export async function listArchiveFiles(paths: readonly string[]): Promise<ArchiveListing> {
  const files: ArchiveFile[] = [];
  const missing: { file: string; reason: string }[] = [];
  /** Real paths of the directories walked and the files listed. */
  const seen = new Set<string>();
  const walk = async (dir: string, realDir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      missing.push({ file: dir, reason: errorText(err) });
      return;
    }
    entries.sort((a, b) => compareNames(a.name, b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isFile()) {
        // A plain entry's real path is its real directory's plus its name: no realpath call needed.
        const key = join(realDir, e.name);
        if (seen.has(key)) continue;
        seen.add(key);
        try {
          files.push({ path, size: (await stat(path)).size, explicit: false });
        } catch (err) {
          missing.push({ file: path, reason: errorText(err) });
        }
      } else if (e.isDirectory() || e.isSymbolicLink()) {
        await add(path, false);
      }
    }
  };
  const add = async (path: string, explicit: boolean): Promise<void> => {
    let st;
    let real: string;
    try {
      st = await stat(path);
      real = await realpath(path);
    } catch (err) {
      missing.push({ file: path, reason: errorText(err) });
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    if (st.isDirectory()) await walk(path, real);
    else if (st.isFile()) files.push({ path, size: st.size, explicit });
    else if (explicit) missing.push({ file: path, reason: 'not a regular file or directory' });
  };
  for (const p of paths) await add(p, true);
  return { files, missing };
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads every CloudTrail record under `paths`, in batches. See `readListedFiles`. */
export async function* readArchive(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<ArchiveBatch> {
  yield* readListedFiles(await listArchiveFiles(paths), options);
}

/**
 * Reads listed files in order. Every file ends with a batch carrying `done` (its FileResult), so a
 * consumer sees every file, including failed and ignored ones. Paths that could not be listed come first.
 */
export async function* readListedFiles(listing: ArchiveListing, options: ReadOptions = {}): AsyncGenerator<ArchiveBatch> {
  const ctx: ReadContext = {
    batchSize: Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE),
    fallback: options.fallback ?? {},
    logstash: options.logstashTimestamp ?? true,
    bytes: 0,
    ...(options.decrypt ? { decrypt: options.decrypt } : {}),
  };
  for (const m of listing.missing) {
    yield { file: m.file, entries: [], skipped: 0, bytesRead: ctx.bytes, done: { file: m.file, status: 'failed', records: 0, skipped: 0, bytes: 0, reason: m.reason } };
  }
  let lastBreath = Date.now();
  for (const f of listing.files) {
    yield* readOneFile(f, ctx);
    // Small files are read synchronously: let timers and I/O run now and then.
    if (Date.now() - lastBreath > BREATH_MS) {
      await new Promise<void>((resolveBreath) => setImmediate(resolveBreath));
      lastBreath = Date.now();
    }
  }
}

/**
 * Reads one object already in memory (an S3 object, a bucket-store object): gzip or JSON text, split
 * into records in batches, ending with a batch carrying `done`, exactly as a file on disk is read.
 * `label` names it in results (and supplies account and region from an S3 delivery file name).
 */
export async function* readObjectBody(label: string, body: Buffer, options: ReadOptions = {}): AsyncGenerator<ArchiveBatch> {
  const ctx: ReadContext = {
    batchSize: Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE),
    fallback: options.fallback ?? {},
    logstash: options.logstashTimestamp ?? true,
    bytes: body.length,
  };
  yield* readStream(label, bufferSource(body), true, ctx, () => body.length, 0);
}

/** Longest stretch of synchronous small-file reading before yielding to the event loop. */
const BREATH_MS = 50;
/** Files up to this size on disk are read in one go; larger ones are streamed. */
const SMALL_FILE = 1 << 20;
/** Most bytes a small gzip file may inflate to in one go; beyond, it is streamed from memory. */
const SMALL_INFLATED = 32 << 20;

/** A small file's content (gunzipped when it was gzip), or why it could not be had in one go. */
type Preloaded =
  | { kind: 'large' }
  | { kind: 'error'; error: unknown }
  | { kind: 'bytes'; raw: Buffer; inflated?: Buffer };

/**
 * Small files are read and gunzipped synchronously, in one go: with the many small files of an S3
 * export (AWS writes one every 5 minutes per region) a thread-pool round trip per step costs more than
 * the work. Memory stays bounded by SMALL_FILE and SMALL_INFLATED.
 */
function preload(f: ArchiveFile): Preloaded {
  if (f.size > SMALL_FILE) return { kind: 'large' };
  let raw: Buffer;
  try {
    raw = readFileSync(f.path);
  } catch (error) {
    return { kind: 'error', error };
  }
  if (!startsWith(raw, GZIP_MAGIC)) return { kind: 'bytes', raw };
  try {
    return { kind: 'bytes', raw, inflated: gunzipSync(raw, { maxOutputLength: SMALL_INFLATED }) };
  } catch {
    // Truncated, corrupt or too large: the streaming path reads it from `raw`, keeping the records
    // before a fault and reporting it.
    return { kind: 'bytes', raw };
  }
}

interface ReadContext {
  batchSize: number;
  fallback: { accountId?: string; region?: string };
  logstash: boolean;
  /** Bytes read from disk over the run. */
  bytes: number;
  decrypt?: (path: string) => Promise<Buffer | undefined>;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
/** Names that promise record content: when such a file is not JSON it is a failure, not ignored. */
const RECORD_FILE_NAME = /\.(json|jsonl|ndjson|gz|gzip|zip)$/i;

async function* readOneFile(f: ArchiveFile, ctx: ReadContext): AsyncGenerator<ArchiveBatch> {
  const strict = f.explicit || RECORD_FILE_NAME.test(f.path);
  if (ctx.decrypt) {
    let plaintext: Buffer | undefined;
    try {
      plaintext = await ctx.decrypt(f.path);
    } catch (err) {
      ctx.bytes += f.size;
      yield finished(f.path, ctx, { status: 'failed', reason: errorText(err), bytes: f.size });
      return;
    }
    if (plaintext) {
      // Decrypted whole and authenticated before a single record is read: a tampered file yields nothing.
      ctx.bytes += f.size;
      yield* readStream(f.path, bufferSource(plaintext), true, ctx, () => f.size, 0);
      return;
    }
  }
  const loaded = preload(f);
  if (loaded.kind === 'error') {
    yield finished(f.path, ctx, { status: 'failed', reason: errorText(loaded.error) });
    return;
  }
  if (loaded.kind === 'bytes') {
    const { raw, inflated } = loaded;
    if (startsWith(raw, ZIP_MAGIC) || startsWith(raw, EMPTY_ZIP_MAGIC)) {
      yield* readZip(f, ctx);
      return;
    }
    ctx.bytes += raw.length;
    const size = raw.length;
    if (inflated) yield* readStream(f.path, bufferSource(inflated), true, ctx, () => size, 1);
    else yield* readStream(f.path, bufferSource(raw), strict, ctx, () => size, 0);
    return;
  }
  let head: Buffer;
  try {
    head = await readHead(f.path, 4);
  } catch (err) {
    yield finished(f.path, ctx, { status: 'failed', reason: errorText(err) });
    return;
  }
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, EMPTY_ZIP_MAGIC)) {
    yield* readZip(f, ctx);
    return;
  }
  const before = ctx.bytes;
  yield* readStream(f.path, countedFile(f.path, ctx), strict, ctx, () => ctx.bytes - before, 0);
}

async function* readZip(f: ArchiveFile, ctx: ReadContext): AsyncGenerator<ArchiveBatch> {
  let members;
  try {
    members = await readZipDirectory(f.path);
  } catch (err) {
    ctx.bytes += f.size;
    yield finished(f.path, ctx, { status: 'failed', reason: errorText(err), bytes: f.size });
    return;
  }
  // The directory and headers count as read; member data is counted as it streams.
  const dataBytes = members.reduce((sum, m) => sum + m.compressedSize, 0);
  ctx.bytes += Math.max(0, f.size - dataBytes);
  const sorted = members
    .filter((m) => !m.name.endsWith('/') && !m.name.startsWith('__MACOSX/') && !basename(m.name).startsWith('.'))
    .sort((a, b) => compareNames(a.name, b.name));
  for (const m of sorted) {
    const label = `${f.path}!/${m.name}`;
    const why = unsupportedMember(m);
    if (why) {
      ctx.bytes += m.compressedSize;
      yield finished(label, ctx, { status: 'failed', reason: why, bytes: m.compressedSize });
      continue;
    }
    const before = ctx.bytes;
    let stream: Readable;
    try {
      stream = await openZipMember(f.path, m, (n) => {
        ctx.bytes += n;
      });
    } catch (err) {
      yield finished(label, ctx, { status: 'failed', reason: errorText(err) });
      continue;
    }
    yield* readStream(label, stream, f.explicit || RECORD_FILE_NAME.test(m.name), ctx, () => ctx.bytes - before, 0);
  }
}

/**
 * Reads one byte stream: gunzips it when it starts with the gzip magic, then splits the JSON text.
 * `strict`: non-JSON content is a failure (else the file is ignored).
 */
async function* readStream(
  label: string,
  source: AsyncIterable<Buffer>,
  strict: boolean,
  ctx: ReadContext,
  fileBytes: () => number,
  gzipLayers: number,
): AsyncGenerator<ArchiveBatch> {
  const it = source[Symbol.asyncIterator]();
  let records = 0;
  let skipped = 0;
  let batchSkipped = 0;
  const skipReasons = new Map<string, number>();
  let entries: JournalEntry[] = [];
  // An S3 delivery file's name (account, region) is better evidence than a run-wide default.
  const fallback = { ...definedOnly(ctx.fallback), ...fallbackFromName(label) };
  const result = (status: FileResult['status'], reason?: string): FileResult => {
    const r: FileResult = { file: label, status, records, skipped, bytes: fileBytes() };
    if (reason !== undefined) r.reason = reason;
    if (skipReasons.size > 0) r.skipReasons = Object.fromEntries(skipReasons);
    return r;
  };
  try {
    // Sniff: the first bytes decide between gzip and text.
    let head: Buffer | undefined;
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      head = head ? Buffer.concat([head, next.value]) : next.value;
      if (head.length >= 2) break;
    }
    if (!head || head.length === 0) {
      yield { file: label, entries: [], skipped: 0, bytesRead: ctx.bytes, done: result('ok') };
      return;
    }
    const rest = prepend(head, it);
    if (startsWith(head, GZIP_MAGIC)) {
      if (gzipLayers > 0) {
        await it.return?.();
        yield { file: label, entries: [], skipped: 0, bytesRead: ctx.bytes, done: result('failed', 'gzip inside gzip is not supported') };
        return;
      }
      yield* readStream(label, gunzip(rest), true, ctx, fileBytes, gzipLayers + 1);
      return;
    }
    const fullBatch = (): ArchiveBatch => {
      let full: JournalEntry[];
      if (entries.length === ctx.batchSize) {
        full = entries;
        entries = [];
      } else {
        full = entries.slice(0, ctx.batchSize);
        entries = entries.slice(ctx.batchSize);
      }
      const skippedHere = batchSkipped;
      batchSkipped = 0;
      return { file: label, entries: full, skipped: skippedHere, bytesRead: ctx.bytes };
    };
    // StringDecoder keeps a UTF-8 sequence split across chunks for the next one (and is faster than TextDecoder).
    const decoder = new StringDecoder('utf8');
    const splitter = new RecordSplitter();
    let sniffed = false;
    const take = (items: SplitItem[]): void => {
      for (const item of items) {
        if (item.kind === 'record') {
          try {
            entries.push(entryOf(item.raw, item.value, fallback, ctx.logstash));
            records++;
            continue;
          } catch (err) {
            // InvalidRecordError is the expected reason; anything else thrown by a malformed record skips it too.
            tally(skipReasons, err instanceof InvalidRecordError ? err.message : `record rejected: ${errorText(err)}`);
          }
        } else {
          tally(skipReasons, item.reason);
        }
        skipped++;
        batchSkipped++;
      }
    };
    for await (const chunk of rest) for (let at = 0; at < chunk.length; at += DECODE_SLICE) {
      const text = decoder.write(chunk.subarray(at, at + DECODE_SLICE));
      if (!sniffed) {
        const verdict = sniffJson(text);
        if (verdict === undefined) continue;
        if (!verdict) {
          const what = describeStart(text);
          yield {
            file: label,
            entries: [],
            skipped: 0,
            bytesRead: ctx.bytes,
            done: result(strict ? 'failed' : 'ignored', `not JSON: ${what}${gzipLayers > 0 ? ' (after gunzip)' : ''}`),
          };
          return;
        }
        sniffed = true;
      }
      take(splitter.push(text));
      while (entries.length >= ctx.batchSize) yield fullBatch();
    }
    take(splitter.push(decoder.end()));
    take(splitter.end());
    while (entries.length > ctx.batchSize) yield fullBatch();
    yield { file: label, entries, skipped: batchSkipped, bytesRead: ctx.bytes, done: result('ok') };
  } catch (err) {
    // Entries read before the fault are kept: the import goes on with them and the next file.
    yield { file: label, entries, skipped: batchSkipped, bytesRead: ctx.bytes, done: result('failed', errorText(err)) };
  } finally {
    await it.return?.();
  }
}

/**
 * Builds the journal entry; the record text is always kept as it is. One index-only adaptation for
 * exported archives: Logstash-touched records (`@timestamp`, no `eventTime`) are indexed by
 * `@timestamp` when enabled.
 */
function entryOf(raw: string, value: Record<string, unknown>, fallback: { accountId?: string; region?: string }, logstash: boolean): JournalEntry {
  const logstashTime = logstash && value.eventTime === undefined && typeof value['@timestamp'] === 'string';
  return toJournalEntry(raw, logstashTime ? { ...value, eventTime: value['@timestamp'] } : value, fallback);
}

function tally(reasons: Map<string, number>, reason: string): void {
  const n = reasons.get(reason);
  if (n !== undefined) reasons.set(reason, n + 1);
  else if (reasons.size < MAX_SKIP_REASONS) reasons.set(reason, 1);
}

/** true: JSON text; false: not JSON; undefined: only whitespace so far. */
function sniffJson(text: string): boolean | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) continue;
    return c === 0x7b || c === 0x5b;
  }
  return undefined;
}

function describeStart(text: string): string {
  const start = text.trimStart().slice(0, 24);
  // eslint-disable-next-line no-control-regex
  const printable = start.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '.');
  return `starts with ${JSON.stringify(printable)}`;
}

/** S3 delivery names: `<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`. */
const DELIVERY_NAME = /(?:^|[/\\!])(\d{12})_CloudTrail_([a-z]{2}(?:-[a-z]+)+-\d+)_\d{8}T\d{4}Z_/;

function fallbackFromName(path: string): { accountId?: string; region?: string } {
  const m = DELIVERY_NAME.exec(path);
  return m ? { accountId: m[1], region: m[2] } : {};
}

function definedOnly(f: { accountId?: string; region?: string }): { accountId?: string; region?: string } {
  const out: { accountId?: string; region?: string } = {};
  if (f.accountId) out.accountId = f.accountId;
  if (f.region) out.region = f.region;
  return out;
}

function finished(file: string, ctx: ReadContext, r: { status: FileResult['status']; reason: string; bytes?: number }): ArchiveBatch {
  return {
    file,
    entries: [],
    skipped: 0,
    bytesRead: ctx.bytes,
    done: { file, status: r.status, records: 0, skipped: 0, bytes: r.bytes ?? 0, reason: r.reason },
  };
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function startsWith(buf: Buffer, magic: readonly number[]): boolean {
  if (buf.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (buf[i] !== magic[i]) return false;
  return true;
}

async function* countedFile(path: string, ctx: ReadContext): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      ctx.bytes += b.length;
      yield b;
    }
  } finally {
    stream.destroy();
  }
}

/** One in-memory buffer as a byte source. */
function bufferSource(buf: Buffer): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Buffer> {
      let given = false;
      return {
        next: (): Promise<IteratorResult<Buffer>> => {
          if (given) return Promise.resolve({ done: true, value: undefined });
          given = true;
          return Promise.resolve({ done: false, value: buf });
        },
        return: (): Promise<IteratorResult<Buffer>> => {
          given = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

async function* prepend(head: Buffer, it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    const next = await it.next();
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Bytes decoded to text at a time. The text stays under V8's large-object size (128 KB, even as
 * two-byte text), so it is made in the young generation's pages, already mapped: a whole inflated
 * file (about 1 MB here) decoded at once took fresh pages from the kernel each time, and their page
 * faults cost the reader thread more than the splitter's extra seams.
 */
const DECODE_SLICE = 48 * 1024;

/** Gunzips a byte stream (multi-member gzip included); a truncated or corrupt stream errors. */
function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  // A deep output buffer lets zlib (on the thread pool) inflate ahead while this thread parses.
  const z = createGunzip({ chunkSize: 1 << 20, readableHighWaterMark: GUNZIP_AHEAD } as ZlibOptions);
  // Errors reach the consumer through iteration of `z`; the callback only keeps pipeline from throwing.
  return pipeline(Readable.from(source, { objectMode: false }), z, () => {}) as AsyncIterable<Buffer> & Readable;
}

function errorText(err: unknown): string {
  if (err instanceof MalformedJsonError) return `malformed JSON: ${err.message}`;
  if (err instanceof ZipError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') return `bad gzip: ${err.message}`;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
