/**
 * Minimal zip reader on node built-ins: the central directory gives each member's name, method, sizes and
 * local header offset; a member is streamed from the file (stored, or deflate through zlib.inflateRaw).
 * Not supported (reported per archive or member): zip64, encryption, methods other than stored/deflate,
 * multi-disk archives.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable, Transform, pipeline } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipMember {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** Reads the central directory of the zip file at `path`. Throws ZipError when it cannot. */
export async function readZipDirectory(path: string): Promise<ZipMember[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < EOCD_MIN) throw new ZipError('too short to be a zip archive');
    const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - EOCD_MIN; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipError('no end-of-central-directory record (truncated or not a zip archive)');
    const disk = tail.readUInt16LE(eocd + 4);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipError('zip64 archives are not supported');
    if (disk !== 0) throw new ZipError('multi-disk zip archives are not supported');
    if (cdOffset + cdSize > size) throw new ZipError('central directory lies outside the file (truncated archive?)');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const members: ZipMember[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new ZipError('corrupt central directory');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc32 = cd.readUInt32LE(p + 16);
      const compressedSize = cd.readUInt32LE(p + 20);
      const uncompressed = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const localHeaderOffset = cd.readUInt32LE(p + 42);
      const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
      // Bit 11: UTF-8 names; otherwise CP437, read as latin1 (exact for ASCII names).
      const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
      if (compressedSize === 0xffffffff || uncompressed === 0xffffffff || localHeaderOffset === 0xffffffff) {
        throw new ZipError('zip64 archives are not supported');
      }
      members.push({ name, method, flags, crc32, compressedSize, size: uncompressed, localHeaderOffset });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return members;
  } finally {
    await fh.close();
  }
}

/** Why a member cannot be read, or undefined when it can. */
export function unsupportedMember(m: ZipMember): string | undefined {
  if (m.flags & 0x1) return 'encrypted zip member';
  if (m.method !== 0 && m.method !== 8) return `zip compression method ${m.method} is not supported (stored and deflate are)`;
  return undefined;
}

/**
 * Streams a member's uncompressed bytes. The CRC-32 and size are checked at the end (the stream errors
 * on a mismatch). `onCompressedBytes` reports bytes read from the archive file.
 */
export async function openZipMember(path: string, m: ZipMember, onCompressedBytes: (n: number) => void): Promise<Readable> {
  const fh = await open(path, 'r');
  let dataStart: number;
  try {
    const header = Buffer.alloc(30);
    const { bytesRead } = await fh.read(header, 0, 30, m.localHeaderOffset);
    if (bytesRead < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipError(`corrupt local header for ${m.name}`);
    dataStart = m.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  const raw: Readable =
    m.compressedSize === 0 ? Readable.from([]) : createReadStream(path, { start: dataStart, end: dataStart + m.compressedSize - 1, highWaterMark: 1 << 20 });
  raw.on('data', (b: Buffer) => onCompressedBytes(b.length));
  const check = new MemberCheck(m);
  // pipeline: an error anywhere, or the consumer stopping early, destroys every stage (and closes the file).
  if (m.method === 8) pipeline(raw, zlib.createInflateRaw(), check, () => {});
  else pipeline(raw, check, () => {});
  return check;
}

/** Passes bytes through, checking the member's size and (when zlib has crc32) its CRC-32. */
class MemberCheck extends Transform {
  private crc = 0;
  private length = 0;
  private readonly hasCrc = typeof zlib.crc32 === 'function';

  constructor(private readonly member: ZipMember) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.length += chunk.length;
    if (this.hasCrc) this.crc = zlib.crc32(chunk, this.crc);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.length !== this.member.size) {
      done(new ZipError(`zip member ${this.member.name}: ${this.length} bytes, the directory says ${this.member.size} (truncated?)`));
    } else if (this.hasCrc && this.crc >>> 0 !== this.member.crc32 >>> 0) {
      done(new ZipError(`zip member ${this.member.name}: CRC-32 mismatch (corrupt archive)`));
    } else {
      done();
    }
  }
}
