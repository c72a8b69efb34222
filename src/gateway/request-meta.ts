import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export function sourceIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** CloudTrail's tlsDetails, when the client connected over TLS. */
export function tlsDetails(req: IncomingMessage): { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string } | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || typeof socket.getProtocol !== 'function' || typeof socket.getCipher !== 'function') return undefined;
  const cipher = socket.getCipher();
  return {
    tlsVersion: socket.getProtocol() ?? 'unknown',
    cipherSuite: cipher.standardName ?? cipher.name,
    clientProvidedHostHeader: headerValue(req, 'host') ?? '',
  };
}
