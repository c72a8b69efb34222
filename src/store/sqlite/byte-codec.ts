/**
 * Little varint writer and reader for the chunk metadata: unsigned LEB128 for ids, lengths and
 * deltas, zigzag for deltas that may be negative. Values stay below 2^53 (JavaScript numbers).
 */
export class ByteWriter {
  private buffer: Buffer;
  length = 0;

  constructor(capacity = 4096) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  uint(value: number): void {
    this.reserve(8);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
  }

  int(value: number): void {
    this.uint(value < 0 ? -2 * value - 1 : 2 * value);
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** Writes `text` as UTF-8 and returns its byte length. */
  utf8(text: string): number {
    this.reserve(text.length * 3);
    const written = this.buffer.write(text, this.length, 'utf8');
    this.length += written;
    return written;
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

export class ByteReader {
  offset = 0;
  constructor(private readonly buffer: Buffer) {}

  uint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.buffer[this.offset++];
      if (b === undefined) throw new Error('chunk metadata ends early');
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  }

  int(): number {
    const v = this.uint();
    return v % 2 === 1 ? -(v + 1) / 2 : v / 2;
  }

  byte(): number {
    const b = this.buffer[this.offset++];
    if (b === undefined) throw new Error('chunk metadata ends early');
    return b;
  }

  bytes(length: number): Buffer {
    const out = this.buffer.subarray(this.offset, this.offset + length);
    if (out.length !== length) throw new Error('chunk metadata ends early');
    this.offset += length;
    return out;
  }
}
