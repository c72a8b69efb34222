/**
 * Deterministic randomness for the record generator: a seeded PRNG (mulberry32), a string/number
 * hash (for values that must be stable per key, e.g. a session's access key), and a Walker alias
 * table for O(1) weighted picks.
 */

/** 32-bit integer hash of a list of strings/numbers (FNV-1a feed, murmur3 finaliser). */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? String(part) : part;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator so ("ab","c") differs from ("a","bc")
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX = '0123456789abcdef';
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** mulberry32: tiny, fast, good enough for synthetic data; the whole state is one uint32. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next uint32. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from empty list');
    return item;
  }

  /** Index drawn from a Zipf-like law: P(i) ∝ 1 / (i + 1)^s over n items. */
  zipfIndex(n: number, s = 1.1): number {
    // Inverse-CDF on the continuous approximation; cheap and monotone, good enough for skew.
    if (n <= 1) return 0;
    const u = this.next();
    if (s === 1) return Math.min(n - 1, Math.floor(Math.pow(n + 1, u)) - 1);
    const a = 1 - s;
    const max = (Math.pow(n + 1, a) - 1) / a;
    const x = Math.pow(u * max * a + 1, 1 / a) - 1;
    return Math.min(n - 1, Math.max(0, Math.floor(x)));
  }

  /** RFC 4122 version-4 UUID (lower-case hex). */
  uuid(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    return (
      HEX_BYTE[a >>> 24]! + HEX_BYTE[(a >>> 16) & 255]! + HEX_BYTE[(a >>> 8) & 255]! + HEX_BYTE[a & 255]! + '-' +
      HEX_BYTE[b >>> 24]! + HEX_BYTE[(b >>> 16) & 255]! + '-4' +
      HEX[(b >>> 8) & 15]! + HEX_BYTE[b & 255]! + '-' +
      HEX[8 + ((c >>> 28) & 3)]! + HEX[(c >>> 24) & 15]! + HEX_BYTE[(c >>> 16) & 255]! + '-' +
      HEX_BYTE[(c >>> 8) & 255]! + HEX_BYTE[c & 255]! +
      HEX_BYTE[d >>> 24]! + HEX_BYTE[(d >>> 16) & 255]! + HEX_BYTE[(d >>> 8) & 255]! + HEX_BYTE[d & 255]!
    );
  }

  hex(len: number): string {
    let s = '';
    while (s.length < len) {
      const v = this.u32();
      s += HEX_BYTE[v >>> 24]! + HEX_BYTE[(v >>> 16) & 255]! + HEX_BYTE[(v >>> 8) & 255]! + HEX_BYTE[v & 255]!;
    }
    return s.slice(0, len);
  }

  upperAlnum(len: number): string {
    return this.fromAlphabet(UPPER_ALNUM, len);
  }

  alnum(len: number): string {
    return this.fromAlphabet(ALNUM, len);
  }

  /** Characters of an AWS access key id body (base32 alphabet). */
  keyChars(len: number): string {
    return this.fromAlphabet(KEY_CHARS, len);
  }

  private fromAlphabet(alphabet: string, len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(this.next() * alphabet.length)]!;
    return s;
  }
}

/** murmur3 finaliser: a cheap bijective mix of a uint32. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Deterministic string of `len` characters from an alphabet, derived from a hash (no Rng state). */
export function hashedChars(alphabet: string, len: number, ...key: (string | number)[]): string {
  const base = hash32(...key);
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[mix32(base + Math.imul(i + 1, 0x9e3779b9)) % alphabet.length]!;
  return s;
}

export function hashedKeyChars(len: number, ...key: (string | number)[]): string {
  return hashedChars(KEY_CHARS, len, ...key);
}

export function hashedHex(len: number, ...key: (string | number)[]): string {
  return hashedChars(HEX, len, ...key);
}

/** Walker's alias method: O(n) build, O(1) weighted pick. */
export class AliasTable<T> {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    const n = items.length;
    if (n === 0 || weights.length !== n) throw new Error('AliasTable needs one weight per item');
    const total = weights.reduce((a, b) => a + b, 0);
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  pick(rng: Rng): T {
    const n = this.items.length;
    const x = rng.next() * n;
    const i = Math.floor(x);
    const j = x - i < this.prob[i]! ? i : this.alias[i]!;
    return this.items[j]!;
  }
}
