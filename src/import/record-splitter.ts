/**
 * Streaming CloudTrail record splitter: pure, no I/O.
 *
 * Feed it the text of a JSON document in chunks of any size (split anywhere, even inside a string or an
 * escape); it hands back each record's raw JSON text, byte for byte the substring of the input, with the
 * record parsed once. Memory is bounded by the largest single record, never by the document.
 *
 * Shapes understood (and nested inside one another):
 * - `{"Records":[...]}` (the S3 delivery envelope; other keys, before or after, are skipped unread),
 *   and the same for `{"Events":[...]}` (LookupEvents output) and `{"logEvents":[...]}` (CloudWatch Logs);
 * - a bare JSON array of records; JSON lines / concatenated JSON values (one record per value);
 * - LookupEvents `Event` objects: the record is the decoded `CloudTrailEvent` string (raw = that string);
 * - Sekoia test cases: the record is the decoded `input.message` string;
 * - EventBridge events: `detail` (with a `detail-type`, e.g. "AWS API Call via CloudTrail") is the record;
 * - CloudWatch Logs events `{id, timestamp, message}`: the record is the decoded `message`;
 * - StreamAlert test cases `{data, description, log, service, source, ...}`: the record(s) are in `data`.
 *
 * Two levels: a hand-written character scanner cuts the stream into top-level "units" (the elements of a
 * streamed array, or whole top-level values) tracking only depth, strings and escapes; each unit, bounded
 * by one record, is then parsed with JSON.parse and unwrapped if it is one of the wrappers above.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

const OBJECT = 1;
const ARRAY = 2;

/** The text is not well-formed JSON (or not JSON at all). `offset` counts UTF-16 code units from the start. */
export class MalformedJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'MalformedJsonError';
  }
}

/** One result of splitting: a record candidate (its raw text and parsed value), or a value that holds none. */
export type SplitItem =
  | { kind: 'record'; raw: string; value: Record<string, unknown> }
  | { kind: 'skipped'; reason: string };

/**
 * Level 1: cuts a JSON text stream into units. A unit is an element of a streamed array (the top-level
 * array, or the array under `Records` / `Events` / `logEvents` at the top of a top-level object), or any
 * other top-level value. Non-object, non-array elements of a streamed array are only counted.
 */
export class UnitScanner {
  /** Code units consumed before the current chunk. */
  private offset = 0;
  private depth = 0;
  /** Container kind per depth (index = depth after opening). */
  private kinds = new Uint8Array(64);
  private inString = false;
  private escaped = false;

  /** Depth of the container whose elements are units: 0 = top-level values, -1 = none (inside an envelope). */
  private unitLevel = 0;
  private unitActive = false;
  /** Depth before the unit's opening bracket. */
  private unitDepth = 0;
  private unitStart = 0;
  private unitOffset = 0;
  private unitParts: string[] = [];
  /** Inside a streamed array, after `[` or `,`: the next value starts an element. */
  private afterSep = false;

  /** The current top-level value is an object: its keys are watched for a streamed array. */
  private topObject = false;
  private expectKey = false;
  private keyActive = false;
  private keyStart = 0;
  private keyParts: string[] = [];
  private streamKeyPending = false;

  /** Non-object, non-array elements of streamed arrays seen so far (not records). */
  nonObjects = 0;

  /** Total code units consumed. */
  get consumed(): number {
    return this.offset;
  }

  /**
   * Scans one chunk; appends each completed unit's raw text to `units` (and its start offset to `offsets`).
   * Throws MalformedJsonError on structure errors (mismatched brackets, text outside any JSON value).
   */
  scan(s: string, units: string[], offsets: number[]): void {
    const n = s.length;
    if (n === 0) return;
    let i = 0;
    if (this.unitActive) this.unitStart = 0;
    if (this.keyActive) this.keyStart = 0;
    if (this.inString) {
      i = this.scanString(s, 0);
      if (this.inString) {
        this.carry(s);
        this.offset += n;
        return;
      }
      if (this.keyActive) this.endKey(s, i - 1);
    }
    while (i < n) {
      if (this.unitActive) {
        const stop = this.unitDepth === 0 && this.topObject ? 1 : this.unitDepth;
        if (this.depth > stop) {
          i = this.skipInside(s, i, stop);
          if (i >= n) break;
        }
      }
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        if (this.depth <= 2) this.startString(i);
        i = this.scanString(s, i + 1);
        if (this.inString) break;
        if (this.keyActive) this.endKey(s, i - 1);
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        this.open(c, i);
      } else if (c === RBRACE || c === RBRACKET) {
        this.close(c, s, i, units, offsets);
      } else if (this.depth <= 2 && c !== SPACE && c !== LF && c !== CR && c !== TAB) {
        this.other(c, i);
      }
      i++;
    }
    this.carry(s);
    this.offset += n;
  }

  /** Declares the end of the text; throws if a value is left open. */
  end(): void {
    if (this.inString || this.depth > 0) {
      throw new MalformedJsonError(
        `unexpected end of input ${this.inString ? 'inside a string' : `with ${this.depth} unclosed bracket(s)`} (truncated file?)`,
        this.offset,
      );
    }
  }

  /**
   * The hot path, inside a unit: only strings and bracket depth matter until the bracket that brings the
   * depth back to `stop` (left for the caller, which closes the unit or resumes key tracking). Bracket
   * kinds are not checked here: JSON.parse of the unit rejects mismatches.
   */
  private skipInside(s: string, i: number, stop: number): number {
    const n = s.length;
    let d = this.depth;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        // Inlined string skip (see scanString): jump quote to quote, an odd run of backslashes escapes.
        let from = i + 1;
        for (;;) {
          const q = s.indexOf('"', from);
          if (q === -1) {
            let k = 0;
            for (let j = n - 1; j >= from && s.charCodeAt(j) === BACKSLASH; j--) k++;
            this.escaped = (k & 1) === 1;
            this.inString = true;
            this.depth = d;
            return n;
          }
          let k = 0;
          for (let j = q - 1; j >= from && s.charCodeAt(j) === BACKSLASH; j--) k++;
          if ((k & 1) === 0) {
            i = q + 1;
            break;
          }
          from = q + 1;
        }
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        d++;
      } else if (c === RBRACE || c === RBRACKET) {
        if (d - 1 === stop) break;
        d--;
      }
      i++;
    }
    this.depth = d;
    return i;
  }

  /**
   * Skips string content from `from` (just after the opening quote, or the chunk start when resuming).
   * Returns the index after the closing quote, or the chunk length with `inString` set.
   */
  private scanString(s: string, from: number): number {
    const n = s.length;
    if (this.escaped) {
      this.escaped = false;
      from++;
    }
    for (;;) {
      if (from >= n) {
        this.inString = true;
        return n;
      }
      const q = s.indexOf('"', from);
      if (q === -1) {
        let k = 0;
        for (let j = n - 1; j >= from && s.charCodeAt(j) === BACKSLASH; j--) k++;
        this.escaped = (k & 1) === 1;
        this.inString = true;
        return n;
      }
      // A quote preceded by an odd run of backslashes (counted only from where the state is known) is escaped.
      let k = 0;
      for (let j = q - 1; j >= from && s.charCodeAt(j) === BACKSLASH; j--) k++;
      if ((k & 1) === 0) {
        this.inString = false;
        return q + 1;
      }
      from = q + 1;
    }
  }

  private startString(i: number): void {
    const d = this.depth;
    if (d === 0) throw this.unexpected('"', i, 'a top-level string is not a record');
    if (this.unitActive) {
      if (this.topObject && d === 1) {
        if (this.expectKey) this.beginKey(i);
        else this.streamKeyPending = false;
      }
      return;
    }
    if (d === this.unitLevel) {
      if (this.afterSep) this.nonObjects++;
      this.afterSep = false;
    } else if (this.topObject && d === 1) {
      if (this.expectKey) this.beginKey(i);
      else this.streamKeyPending = false;
    }
  }

  private beginKey(i: number): void {
    this.expectKey = false;
    this.keyActive = true;
    this.keyStart = i + 1;
    this.keyParts = [];
  }

  private endKey(s: string, quoteIndex: number): void {
    this.keyActive = false;
    let len = quoteIndex - this.keyStart;
    for (const p of this.keyParts) len += p.length;
    if (len !== 7 && len !== 6 && len !== 9) {
      this.streamKeyPending = false;
      return;
    }
    const key = this.keyParts.length === 0 ? s.slice(this.keyStart, quoteIndex) : this.keyParts.join('') + s.slice(this.keyStart, quoteIndex);
    this.keyParts = [];
    this.streamKeyPending = key === 'Records' || key === 'Events' || key === 'logEvents';
  }

  private open(c: number, i: number): void {
    const d = this.depth;
    if (d === 0) {
      if (c === LBRACE) {
        this.beginUnit(i, 0);
        this.topObject = true;
        this.expectKey = true;
        this.streamKeyPending = false;
      } else {
        this.unitLevel = 1;
        this.afterSep = true;
      }
    } else if (!this.unitActive) {
      if (d === this.unitLevel) {
        this.beginUnit(i, d);
      } else if (this.topObject && d === 1) {
        if (this.streamKeyPending && c === LBRACKET) {
          this.unitLevel = 2;
          this.afterSep = true;
        }
        this.streamKeyPending = false;
      }
    } else if (this.topObject && d === 1) {
      if (this.streamKeyPending && c === LBRACKET) {
        // The top-level object is an envelope: stop keeping its text, stream the array's elements.
        this.unitActive = false;
        this.unitParts = [];
        this.unitLevel = 2;
        this.afterSep = true;
      }
      this.streamKeyPending = false;
    }
    const nd = d + 1;
    if (nd >= this.kinds.length) {
      const grown = new Uint8Array(this.kinds.length * 2);
      grown.set(this.kinds);
      this.kinds = grown;
    }
    this.kinds[nd] = c === LBRACE ? OBJECT : ARRAY;
    this.depth = nd;
  }

  private beginUnit(i: number, depth: number): void {
    this.unitActive = true;
    this.unitDepth = depth;
    this.unitStart = i;
    this.unitOffset = this.offset + i;
    this.afterSep = false;
  }

  private close(c: number, s: string, i: number, units: string[], offsets: number[]): void {
    const d = this.depth;
    if (d === 0) throw this.unexpected(String.fromCharCode(c), i, 'no value is open');
    if (this.kinds[d] !== (c === RBRACE ? OBJECT : ARRAY)) {
      throw this.unexpected(String.fromCharCode(c), i, `the open value is ${this.kinds[d] === OBJECT ? 'an object' : 'an array'}`);
    }
    const nd = d - 1;
    this.depth = nd;
    if (this.unitActive) {
      if (nd !== this.unitDepth) return;
      this.unitActive = false;
      let raw: string;
      if (this.unitParts.length === 0) {
        raw = s.slice(this.unitStart, i + 1);
      } else {
        this.unitParts.push(s.slice(0, i + 1));
        raw = this.unitParts.join('');
        this.unitParts = [];
      }
      units.push(raw);
      offsets.push(this.unitOffset);
      if (nd === 0) this.topObject = false;
      return;
    }
    if (d === this.unitLevel) {
      // The streamed array ends: back to top-level values, or to the rest of the envelope object.
      this.unitLevel = d === 1 ? 0 : -1;
      this.afterSep = false;
    } else if (nd === 0) {
      this.topObject = false;
      this.unitLevel = 0;
    }
  }

  private other(c: number, i: number): void {
    const d = this.depth;
    if (d === 0) {
      if (c === BOM && this.offset + i === 0) return;
      throw this.unexpected(String.fromCharCode(c), i, 'expected a JSON object or array');
    }
    if (this.unitActive) {
      if (this.topObject && d === 1) {
        if (c === COMMA) this.expectKey = true;
        else if (c !== COLON) this.streamKeyPending = false;
      }
      return;
    }
    if (d === this.unitLevel) {
      if (c === COMMA) this.afterSep = true;
      else if (this.afterSep) {
        this.nonObjects++;
        this.afterSep = false;
      }
    } else if (this.topObject && d === 1) {
      if (c === COMMA) this.expectKey = true;
      else if (c !== COLON) this.streamKeyPending = false;
    }
  }

  private carry(s: string): void {
    if (this.unitActive && this.unitStart < s.length) this.unitParts.push(s.slice(this.unitStart));
    if (this.keyActive && this.keyStart < s.length) this.keyParts.push(s.slice(this.keyStart));
  }

  private unexpected(ch: string, i: number, why: string): MalformedJsonError {
    const shown = ch === '\u0000' || ch < ' ' ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch;
    return new MalformedJsonError(`unexpected '${shown}' at character ${this.offset + i}: ${why}`, this.offset + i);
  }
}

/** How deep wrappers may nest (a StreamAlert case holding CloudWatch Logs events holding records is 3). */
const MAX_NESTING = 8;

/**
 * The splitter: feed chunks with `push`, call `end` once; each returns the items completed so far.
 * Records come back in document order.
 */
export class RecordSplitter {
  private readonly scanner = new UnitScanner();
  private units: string[] = [];
  private offsets: number[] = [];
  /** A fault found after some records of the same chunk: those are returned first, the fault next call. */
  private fault: Error | undefined;

  /**
   * Scans a chunk and returns the items it completes. On malformed input the items before the fault
   * are returned and the fault (a MalformedJsonError) is thrown by the next `push` or `end`.
   */
  push(chunk: string): SplitItem[] {
    this.rethrow();
    try {
      this.scanner.scan(chunk, this.units, this.offsets);
    } catch (err) {
      this.fault = asError(err, this.scanner.consumed);
    }
    return this.drain();
  }

  end(): SplitItem[] {
    this.rethrow();
    this.scanner.end();
    return this.drain();
  }

  /** UTF-16 code units consumed so far. */
  get consumed(): number {
    return this.scanner.consumed;
  }

  private rethrow(): void {
    if (this.fault !== undefined) throw this.fault;
  }

  private drain(): SplitItem[] {
    const out: SplitItem[] = [];
    const units = this.units;
    try {
      for (let k = 0; k < units.length; k++) unwrapUnit(units[k] as string, this.offsets[k] as number, out, 0);
    } catch (err) {
      // A bad unit lies before any fault the scan found later in the chunk.
      this.fault = asError(err, this.scanner.consumed);
    }
    if (units.length > 0) {
      this.units = [];
      this.offsets = [];
    }
    for (; this.scanner.nonObjects > 0; this.scanner.nonObjects--) {
      out.push({ kind: 'skipped', reason: 'array element is not an object' });
    }
    return out;
  }
}

function asError(err: unknown, offset: number): Error {
  return err instanceof Error ? err : new MalformedJsonError(String(err), offset);
}

/** Splits a whole document given as chunks (strings). */
export function* splitRecords(chunks: Iterable<string>): Generator<SplitItem> {
  const splitter = new RecordSplitter();
  for (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}

function unwrapUnit(raw: string, offset: number, out: SplitItem[], nesting: number): void {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new MalformedJsonError(`invalid JSON in the value starting at character ${offset}: ${why}`, offset);
  }
  classify(raw, value, out, nesting);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Decides whether a parsed value is a record, a wrapper around records, or neither. */
function classify(raw: string, value: unknown, out: SplitItem[], nesting: number): void {
  if (!isObject(value)) {
    if (Array.isArray(value) && nesting < MAX_NESTING) {
      resplit(raw, out, nesting + 1);
    } else {
      out.push({ kind: 'skipped', reason: Array.isArray(value) ? 'arrays nested too deeply' : 'value is not an object' });
    }
    return;
  }
  // The common case first: a CloudTrail record.
  if ('eventVersion' in value || 'eventID' in value || 'eventSource' in value) {
    out.push({ kind: 'record', raw, value });
    return;
  }
  if (nesting >= MAX_NESTING) {
    out.push({ kind: 'record', raw, value });
    return;
  }
  const next = nesting + 1;
  if (typeof value.CloudTrailEvent === 'string') {
    // LookupEvents Event: the record is the JSON string.
    embedded(value.CloudTrailEvent, 'CloudTrailEvent', out, next);
    return;
  }
  if (typeof value['detail-type'] === 'string' && isObject(value.detail)) {
    // EventBridge event ("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", ...).
    classify(memberRaw(raw, 'detail') ?? JSON.stringify(value.detail), value.detail, out, next);
    return;
  }
  const input = value.input;
  if (isObject(input) && typeof input.message === 'string') {
    // Sekoia intake test case.
    embedded(input.message, 'input.message', out, next);
    return;
  }
  if (Array.isArray(value.Records) || Array.isArray(value.Events) || Array.isArray(value.logEvents)) {
    resplit(raw, out, next);
    return;
  }
  if ('data' in value && ('log' in value || 'trigger_rules' in value || 'classify_only' in value)) {
    // StreamAlert test case: `data` is the payload as delivered (S3 envelope, EventBridge, CloudWatch Logs).
    const data = value.data;
    if (typeof data === 'string') embedded(data, 'data', out, next);
    else classify(memberRaw(raw, 'data') ?? JSON.stringify(data), data, out, next);
    return;
  }
  if ('digestStartTime' in value && 'logFiles' in value) {
    out.push({ kind: 'skipped', reason: 'CloudTrail digest file (no events)' });
    return;
  }
  if (typeof value.message === 'string' && 'timestamp' in value) {
    // CloudWatch Logs log event.
    embedded(value.message, 'message', out, next);
    return;
  }
  // Anything else is offered as a record; building its journal entry decides.
  out.push({ kind: 'record', raw, value });
}

function embedded(text: string, field: string, out: SplitItem[], nesting: number): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    out.push({ kind: 'skipped', reason: `${field} is not JSON` });
    return;
  }
  classify(text, value, out, nesting);
}

/** Splits the text of an already parsed wrapper (an array or an envelope) and classifies each element. */
function resplit(raw: string, out: SplitItem[], nesting: number): void {
  const scanner = new UnitScanner();
  const units: string[] = [];
  const offsets: number[] = [];
  scanner.scan(raw, units, offsets);
  scanner.end();
  for (let k = 0; k < units.length; k++) unwrapUnit(units[k] as string, offsets[k] as number, out, nesting);
  for (let k = 0; k < scanner.nonObjects; k++) out.push({ kind: 'skipped', reason: 'array element is not an object' });
}

/**
 * The raw text of member `key` of the JSON object text `s` (already known to be valid JSON), or undefined.
 * As JSON.parse does, the last occurrence of a repeated key wins.
 */
export function memberRaw(s: string, key: string): string | undefined {
  let i = skipWs(s, 0);
  if (s.charCodeAt(i) !== LBRACE) return undefined;
  i = skipWs(s, i + 1);
  let found: string | undefined;
  while (i < s.length && s.charCodeAt(i) === QUOTE) {
    const keyEnd = stringEnd(s, i + 1);
    const text = s.slice(i + 1, keyEnd - 1);
    const name = text.includes('\\') ? (JSON.parse(`"${text}"`) as string) : text;
    i = skipWs(s, keyEnd);
    if (s.charCodeAt(i) !== COLON) return found;
    i = skipWs(s, i + 1);
    const valueEnd = valueEndAt(s, i);
    if (name === key) found = s.slice(i, valueEnd);
    i = skipWs(s, valueEnd);
    if (s.charCodeAt(i) !== COMMA) break;
    i = skipWs(s, i + 1);
  }
  return found;
}

function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/** Index after the closing quote of the string whose content starts at `from`. */
function stringEnd(s: string, from: number): number {
  for (;;) {
    const q = s.indexOf('"', from);
    if (q === -1) return s.length;
    let k = 0;
    for (let j = q - 1; j >= from && s.charCodeAt(j) === BACKSLASH; j--) k++;
    if ((k & 1) === 0) return q + 1;
    from = q + 1;
  }
}

/** Index after the JSON value starting at `i`. */
function valueEndAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return stringEnd(s, i + 1);
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    while (i < s.length) {
      const d = s.charCodeAt(i);
      if (d === QUOTE) {
        i = stringEnd(s, i + 1);
        continue;
      }
      if (d === LBRACE || d === LBRACKET) depth++;
      else if ((d === RBRACE || d === RBRACKET) && --depth === 0) return i + 1;
      i++;
    }
    return s.length;
  }
  while (i < s.length) {
    const d = s.charCodeAt(i);
    if (d === COMMA || d === RBRACE || d === RBRACKET || d === SPACE || d === LF || d === CR || d === TAB) return i;
    i++;
  }
  return i;
}
