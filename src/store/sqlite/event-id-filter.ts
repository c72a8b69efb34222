/** Bits per id: two probes at 16 bits an id answer "maybe" for about 1.4 % of absent ids. */
const BITS_PER_ID = 16;
const MIN_LOG2_BITS = 20;
/** 64 MB of bits, room for 33M ids (the id index builds one with room to double, so up to a store of 16M). */
const MAX_LOG2_BITS = 29;

/**
 * A Bloom filter over eventID hashes (53-bit, uniformly spread: event-id.ts): `mayHold` is false
 * only for a hash never added. Pure: its owner decides what it covers.
 */
export class EventIdFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  private added = 0;

  /** Room for `capacity` ids at BITS_PER_ID; undefined when that is more than the largest filter. */
  static forCapacity(capacity: number): EventIdFilter | undefined {
    const log2 = Math.max(MIN_LOG2_BITS, Math.ceil(Math.log2(Math.max(1, capacity) * BITS_PER_ID)));
    return log2 > MAX_LOG2_BITS ? undefined : new EventIdFilter(log2);
  }

  private constructor(log2Bits: number) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  /** Whether more ids were added than it has room for (its "maybe" answers grow common). */
  get full(): boolean {
    return this.added * BITS_PER_ID > this.mask + 1;
  }

  add(hash: number): void {
    this.set(hash & this.mask);
    this.set(Math.floor(hash / 2 ** 24) & this.mask);
    this.added++;
  }

  mayHold(hash: number): boolean {
    return this.test(hash & this.mask) && this.test(Math.floor(hash / 2 ** 24) & this.mask);
  }

  private set(bit: number): void {
    this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  private test(bit: number): boolean {
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}
