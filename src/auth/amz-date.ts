import { invalidSignature } from './errors.js';

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses the ISO-8601 basic form SigV4 uses (`20250101T000000Z`); undefined if malformed. */
export function parseAmzDate(value: string): number | undefined {
  const m = COMPACT.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20250230 over to March; a real timestamp formats back to itself.
  return formatAmzDate(ms) === value ? ms : undefined;
}

/**
 * The HTTP `Date` header, which SigV4 accepts in place of X-Amz-Date. botocore writes it in
 * RFC 2822 form with a numeric zone (`Wed, 01 Jan 2025 00:00:00 -0000`), browsers with `GMT`.
 */
export function parseHttpDate(value: string): number | undefined {
  if (!/^(?:[A-Za-z]{3}, )?\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} (?:GMT|UTC?|[+-]\d{4})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The last date formatted: concurrent requests mostly carry the same second, and each formats it several times. */
let lastFormatted = { ms: Number.NaN, text: '' };

export function formatAmzDate(ms: number): string {
  if (ms !== lastFormatted.ms) lastFormatted = { ms, text: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '') };
  return lastFormatted.text;
}

function span(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} sec`;
}

/**
 * Rejects a signing time outside now ± skew, with AWS's wording, e.g.
 * `Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z (20250101T001500Z - 15 min.)`.
 */
export function checkSkew(signedAt: number, now: number, skewMs: number): void {
  if (signedAt < now - skewMs) {
    throw invalidSignature(
      `Signature expired: ${formatAmzDate(signedAt)} is now earlier than ${formatAmzDate(now - skewMs)} ` +
        `(${formatAmzDate(now)} - ${span(skewMs)}.)`,
    );
  }
  if (signedAt > now + skewMs) {
    throw invalidSignature(
      `Signature not yet current: ${formatAmzDate(signedAt)} is still later than ${formatAmzDate(now + skewMs)} ` +
        `(${formatAmzDate(now)} + ${span(skewMs)}.)`,
    );
  }
}

/** A presigned URL is good from its X-Amz-Date (less the skew) until X-Amz-Date + X-Amz-Expires. */
export function checkPresignedWindow(signedAt: number, expiresSec: number, now: number, skewMs: number): void {
  const lifetimeMs = expiresSec * 1000;
  if (now > signedAt + lifetimeMs) {
    throw invalidSignature(
      `Signature expired: ${formatAmzDate(signedAt)} is now earlier than ${formatAmzDate(now - lifetimeMs)} ` +
        `(${formatAmzDate(now)} - ${span(lifetimeMs)}.)`,
    );
  }
  // Only the future side of the skew applies: the lifetime replaces the past side.
  if (signedAt > now) checkSkew(signedAt, now, skewMs);
}
