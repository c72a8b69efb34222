/**
 * A small CBOR (RFC 8949) decoder for Smithy RPC v2 CBOR bodies (CloudWatch): maps, arrays, text,
 * byte strings (as base64, as CloudTrail shows blobs), numbers, booleans, null, tagged timestamps.
 * Returns undefined for anything it cannot read.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const BREAK = Symbol('break');

  function length(info: number): number {
    if (info < 24) return info;
    if (info === 24) return view.getUint8(pos++);
    if (info === 25) return (pos += 2), view.getUint16(pos - 2);
    if (info === 26) return (pos += 4), view.getUint32(pos - 4);
    if (info === 27) return (pos += 8), Number(view.getBigUint64(pos - 8));
    throw new Error('unsupported CBOR length');
  }

  function item(): unknown {
    const initial = view.getUint8(pos++);
    const major = initial >> 5;
    const info = initial & 31;
    if (initial === 0xff) return BREAK;
    switch (major) {
      case 0:
        return length(info);
      case 1:
        return -1 - length(info);
      case 2:
      case 3: {
        if (info === 31) {
          const parts: Buffer[] = [];
          for (let p = item(); p !== BREAK; p = item()) parts.push(Buffer.isBuffer(p) ? p : Buffer.from(String(p)));
          const joined = Buffer.concat(parts);
          return major === 3 ? joined.toString('utf8') : joined.toString('base64');
        }
        const n = length(info);
        const slice = Buffer.from(bytes.subarray(pos, pos + n));
        pos += n;
        return major === 3 ? slice.toString('utf8') : slice.toString('base64');
      }
      case 4: {
        const out: unknown[] = [];
        if (info === 31) for (let v = item(); v !== BREAK; v = item()) out.push(v);
        else for (let n = length(info); n > 0; n--) out.push(item());
        return out;
      }
      case 5: {
        const out: Record<string, unknown> = {};
        if (info === 31) {
          for (let k = item(); k !== BREAK; k = item()) out[String(k)] = item();
        } else {
          for (let n = length(info); n > 0; n--) out[String(item())] = item();
        }
        return out;
      }
      case 6: {
        const tag = length(info);
        const value = item();
        // Tag 1: epoch-seconds timestamp; CloudTrail shows timestamps as ISO text.
        return tag === 1 && typeof value === 'number' ? new Date(value * 1000).toISOString() : value;
      }
      default:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        if (info === 25) return (pos += 2), halfFloat(view.getUint16(pos - 2));
        if (info === 26) return (pos += 4), view.getFloat32(pos - 4);
        if (info === 27) return (pos += 8), view.getFloat64(pos - 8);
        throw new Error('unsupported CBOR simple value');
    }
  }

  try {
    if (bytes.length === 0) return undefined;
    return item();
  } catch {
    return undefined;
  }
}

function halfFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Encodes a flat map of strings (an RPC v2 CBOR error body). */
export function encodeCborStringMap(map: Record<string, string>): Buffer {
  const parts: Buffer[] = [head(5, Object.keys(map).length)];
  for (const [key, value] of Object.entries(map)) {
    for (const text of [key, value]) {
      const bytes = Buffer.from(text, 'utf8');
      parts.push(head(3, bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
