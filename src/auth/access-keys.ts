import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh key pair shaped like AWS's: `AKIA`/`ASIA` + 16 of [A-Z2-7], and a 40-character secret. */
export function newAccessKey(kind: 'AKIA' | 'ASIA' = 'AKIA'): { accessKeyId: string; secretAccessKey: string } {
  // 32 divides 256, so masking a byte to 5 bits picks each character with equal chance.
  const id = Array.from(randomBytes(16), (b) => BASE32[b & 31] ?? 'A').join('');
  // 30 random bytes are exactly 40 base64 characters, no padding.
  return { accessKeyId: kind + id, secretAccessKey: randomBytes(30).toString('base64') };
}
