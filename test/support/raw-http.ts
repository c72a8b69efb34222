import { createHash, createHmac } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

/** SHA-256 / HMAC-SHA-256 from node:crypto in the shape @smithy/signature-v4 wants. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface SignOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Signing time (default now). */
  signingDate?: Date;
}

/** One HTTP request with exactly these headers and body bytes. */
export function send(url: string, method: string, path: string, headers: Record<string, string>, body: Buffer | string = ''): Promise<RawResponse> {
  const target = new URL(url);
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: target.hostname, port: target.port, path, method, headers: { ...headers, 'content-length': String(payload.length) }, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The server may answer (and close) before it has read a large body.
    req.on('error', reject);
    req.end(payload);
  });
}

/** An AWS JSON 1.1 request (`POST /`), SigV4-signed for service `cloudtrail` unless `sign` is undefined. */
export async function jsonCall(
  url: string,
  target: string | undefined,
  body: Buffer | string,
  sign: SignOptions | undefined,
  extraHeaders: Record<string, string> = {},
  /** Sent instead of `body` after signing `body` (a tampered request). */
  sentBody?: string,
): Promise<RawResponse> {
  const host = new URL(url).host;
  const headers: Record<string, string> = { host, 'content-type': 'application/x-amz-json-1.1', ...extraHeaders };
  if (target !== undefined) headers['x-amz-target'] = target;
  if (!sign) return send(url, 'POST', '/', headers, body);
  const signer = new SignatureV4({
    service: 'cloudtrail',
    region: sign.region,
    credentials: { accessKeyId: sign.accessKeyId, secretAccessKey: sign.secretAccessKey },
    sha256: Sha256,
  });
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: new URL(url).hostname, path: '/', query: {}, headers, body: payload },
    sign.signingDate ? { signingDate: sign.signingDate } : {},
  );
  return send(url, 'POST', '/', signed.headers, sentBody ?? payload);
}

/** The parsed JSON body of a response (fails loudly when it is not JSON). */
export function jsonBody(response: RawResponse): Record<string, unknown> {
  const value = JSON.parse(response.body) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not a JSON object: ${response.body}`);
  return value as Record<string, unknown>;
}
