import type { UserIdentity } from '../records/index.js';

/** A request as the authenticator sees it: the raw bytes that were signed. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The authenticated caller of one request. */
export interface Caller {
  accountId: string;
  /** Region of the request's signature (or the default region when unsigned in emulator mode). */
  region: string;
  accessKeyId: string;
  identity: UserIdentity;
}

/** Verifies a request's signature and names its caller; throws an AwsError when it can't. */
export type Authenticator = (request: SignedRequest, now: number) => Promise<Caller>;
