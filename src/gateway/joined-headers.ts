import type { IncomingMessage } from 'node:http';

/** Header values by lower-case name; repeated headers joined with ',' (as SigV4 signs them). */
export function joinedHeaders(message: IncomingMessage): Record<string, string | undefined> {
  // From rawHeaders, not headersDistinct: that getter builds an array per header on every call (~25 µs).
  const out = Object.create(null) as Record<string, string | undefined>;
  const raw = message.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const seen = out[name];
    out[name] = seen === undefined ? raw[i + 1]! : `${seen},${raw[i + 1]!}`;
  }
  return out;
}
