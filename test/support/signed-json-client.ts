import { createHash, createHmac } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from './cairn-process.js';

/** node:crypto SHA-256 / HMAC-SHA-256 in smithy's Checksum shape (kept apart from the code under test). */
export class NodeSha256 {
  private h: Hash | Hmac;
  constructor(private readonly key?: string | ArrayBuffer | ArrayBufferView) {
    this.h = this.make();
  }
  private make(): Hash | Hmac {
    if (this.key === undefined) return createHash('sha256');
    const k =
      typeof this.key === 'string'
        ? this.key
        : ArrayBuffer.isView(this.key)
          ? new Uint8Array(this.key.buffer, this.key.byteOffset, this.key.byteLength)
          : new Uint8Array(this.key);
    return createHmac('sha256', k);
  }
  update(d: Uint8Array): void {
    this.h.update(d);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    this.h = this.make();
  }
}

export const CLOUDTRAIL_TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';
export const CAIRN_TARGET = 'Cairn_20261101';

/** A response read to its last byte. */
export interface JsonResponse {
  status: number;
  requestId: string | undefined;
  body: string;
}

/**
 * A SigV4-signing AWS JSON 1.1 client on raw node:http: one keep-alive connection per client, no retries.
 * `call` resolves only with a complete response (every byte of the announced Content-Length); a reset,
 * a refused connection or a truncated body rejects.
 */
export class SignedJsonClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(url: string, credentials: Credentials, region = 'us-east-1') {
    this.url = new URL(url);
    this.signer = new SignatureV4({ credentials, region, service: 'cloudtrail', sha256: NodeSha256, uriEscapePath: true });
  }

  async call(target: string, input: unknown): Promise<JsonResponse> {
    const body = JSON.stringify(input);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: Number(this.url.port),
      path: '/',
      query: {},
      headers: {
        host: this.url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    return new Promise<JsonResponse>((resolve, reject) => {
      const req = request(
        { host: this.url.hostname, port: this.url.port, method: 'POST', path: '/', headers: signed.headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('response aborted')));
          res.on('end', () => {
            const text = Buffer.concat(chunks);
            const announced = Number(res.headers['content-length']);
            if (!res.complete || (Number.isFinite(announced) && announced !== text.length)) {
              reject(new Error(`incomplete response: ${text.length} of ${res.headers['content-length']} bytes`));
              return;
            }
            const id = res.headers['x-amzn-requestid'];
            resolve({ status: res.statusCode ?? 0, requestId: Array.isArray(id) ? id[0] : id, body: text.toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A call that must succeed; returns the parsed body. */
  async ok<T>(target: string, input: unknown): Promise<T> {
    const res = await this.call(target, input);
    if (res.status !== 200) throw new Error(`${target} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The LookupEvents / SearchEvents Event shape (the members these tests read). */
export interface WireEvent {
  EventId: string;
  EventName: string;
  CloudTrailEvent: string;
}

/** Reads every page of Cairn's SearchEvents (1000 events a page) for `input`. */
export async function searchAll(client: SignedJsonClient, input: Record<string, unknown>): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  let token: string | undefined;
  do {
    const page = await client.ok<{ Events: WireEvent[]; NextToken?: string }>(`${CAIRN_TARGET}.SearchEvents`, {
      ...input,
      MaxResults: 1000,
      ...(token === undefined ? {} : { NextToken: token }),
    });
    events.push(...page.Events);
    token = page.NextToken;
  } while (token !== undefined);
  return events;
}
