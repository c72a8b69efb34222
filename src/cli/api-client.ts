import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../auth/index.js';

export interface ClientConfig {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly operation: string,
  ) {
    super(message);
  }
}

/** A minimal SigV4-signed AWS JSON 1.1 client, for CloudTrail operations and Cairn's extensions. */
export class JsonApiClient {
  private readonly signer;
  private readonly url;

  constructor(private readonly config: ClientConfig) {
    this.url = new URL(config.endpoint);
    this.signer = new SignatureV4({
      service: 'cloudtrail',
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, sessionToken: config.sessionToken },
      sha256: Sha256,
    });
  }

  async call(target: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path: '/',
      query: {},
      headers: {
        host: this.url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
      },
      body,
    });
    const { status, text } = await send(this.url, signed.headers, body);
    const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (status >= 300) {
      const type = typeof parsed.__type === 'string' ? parsed.__type.replace(/^.*#/, '') : `HTTP${status}`;
      const message = typeof parsed.message === 'string' ? parsed.message : text;
      throw new ApiError(type, message, target.split('.').at(-1) ?? target);
    }
    return parsed;
  }
}

function send(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path: '/', method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
