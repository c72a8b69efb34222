import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError, encodeReplyJson } from '../api/index.js';
import { BucketError } from '../buckets/index.js';
import type { GroupCommitter } from '../journal/index.js';
import type { CloudTrailRecord, UserIdentity } from '../records/index.js';
import { toJournalEntry } from '../records/index.js';
import { buildRecord, ownApiCall } from '../recorder/index.js';
import type { CallContext } from '../services/index.js';
import { isReadOnlyOperation } from '../services/index.js';
import { consoleLoginRecord } from './console-login.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './cookies.js';
import type { LogFileDeps } from './log-files.js';
import { getLogFile, listLogFiles } from './log-files.js';
import type { ConsoleSession } from './sessions.js';
import { SessionStore } from './sessions.js';
import { readStaticFile } from './static-files.js';

/** What a credential check found: AWS records a failed sign-in of a known user under that user. */
export type CredentialCheck =
  | { outcome: 'valid'; accountId: string; identity: UserIdentity }
  | { outcome: 'wrong-secret'; accountId: string; identity: UserIdentity }
  | { outcome: 'unknown-key' };

export interface ConsoleOptions extends LogFileDeps {
  committer: GroupCommitter;
  logger: Logger;
  /** The built single-page app (dist/web). */
  staticDir: string;
  defaultAccountId: string;
  defaultRegion: string;
  sessionTtlSeconds: number;
  /** Whether the server speaks HTTPS (the cookie is then Secure). */
  secure: boolean;
  checkCredentials(accessKeyId: string, secretAccessKey: string): Promise<CredentialCheck>;
}

const BODY_LIMIT = 1024 * 1024;
const OPERATION = /^[A-Za-z]{2,64}$/;
/** Console-only operations, beside the CloudTrail API and Cairn's SearchEvents. */
const CONSOLE_OPERATIONS = new Set(['ListLogFiles', 'GetLogFile']);

/** Serves `/console`: the app's files, sign-in/out, and the API the app calls as the signed-in principal. */
export class ConsoleHandler {
  private readonly sessions: SessionStore;

  constructor(private readonly options: ConsoleOptions) {
    this.sessions = new SessionStore(options.sessionTtlSeconds * 1000);
  }

  /** Whether a request is for the console: `/console...` and not a signed AWS call (an S3 bucket named "console"). */
  handles(req: IncomingMessage): boolean {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path !== '/console' && !path.startsWith('/console/')) return false;
    return req.headers.authorization === undefined && !(req.url ?? '').includes('X-Amz-Credential=');
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Bad input (unreadable JSON, a body too large) is the caller's error; anything else is ours.
      if (error instanceof AwsError && error.status < 500) {
        sendJson(res, error.status, { __type: error.code, message: error.message });
        return;
      }
      this.options.logger.error({ err: error }, 'console request failed');
      sendJson(res, 500, { __type: 'InternalFailure', message: 'The console could not answer.' });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/console') {
      res.writeHead(302, { Location: '/console/' }).end();
      return;
    }
    if (!path.startsWith('/console/api/')) {
      await this.serveStatic(req, res, path.slice('/console/'.length));
      return;
    }
    // Every API call is same-origin JSON: a custom header a cross-site form cannot send, besides SameSite=Strict.
    if (req.headers['x-cairn-console'] !== '1') {
      req.resume();
      sendJson(res, 403, { __type: 'AccessDeniedException', message: 'Console API calls must come from the console.' });
      return;
    }
    const rest = path.slice('/console/api/'.length);
    if (rest === 'session') {
      if (req.method === 'GET') return this.currentSession(req, res);
      if (req.method === 'POST') return this.signIn(req, res);
      if (req.method === 'DELETE') return this.signOut(req, res);
    }
    const operation = rest.startsWith('call/') ? rest.slice('call/'.length) : '';
    if (req.method === 'POST' && OPERATION.test(operation)) return this.call(req, res, operation);
    req.resume();
    sendJson(res, 404, { __type: 'UnknownOperationException', message: `No console API at ${req.method ?? ''} ${path}` });
  }

  private async serveStatic(req: IncomingMessage, res: ServerResponse, relative: string): Promise<void> {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { __type: 'MethodNotAllowed', message: 'GET only.' });
      return;
    }
    const file = await readStaticFile(this.options.staticDir, relative);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found. (Is the console built? `npm run build` builds it.)\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  private session(req: IncomingMessage): ConsoleSession | undefined {
    return this.sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE), Date.now());
  }

  private currentSession(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const session = this.session(req);
    if (!session) {
      sendJson(res, 401, { __type: 'NotSignedIn', message: 'Sign in to use the console.' });
      return;
    }
    sendJson(res, 200, describe(session));
  }

  private async signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const input = await readJson(req);
    const accessKeyId = typeof input.accessKeyId === 'string' ? input.accessKeyId.trim() : '';
    const secret = typeof input.secretAccessKey === 'string' ? input.secretAccessKey : '';
    const region = typeof input.region === 'string' && /^[a-z0-9-]{1,64}$/.test(input.region) ? input.region : this.options.defaultRegion;
    if (accessKeyId === '' || secret === '') {
      sendJson(res, 400, { __type: 'ValidationException', message: 'Enter an access key ID and a secret access key.' });
      return;
    }
    const now = Date.now();
    const check = await this.options.checkCredentials(accessKeyId, secret);
    const success = check.outcome === 'valid';
    const accountId = check.outcome === 'unknown-key' ? this.options.defaultAccountId : check.accountId;
    const record = consoleLoginRecord({
      eventId: randomUUID(),
      eventTime: now,
      region,
      accountId,
      identity: check.outcome === 'unknown-key' ? undefined : check.identity,
      sourceIPAddress: peerAddress(req),
      userAgent: header(req, 'user-agent'),
      success,
      loginTo: `${this.options.secure ? 'https' : 'http'}://${header(req, 'host') ?? 'localhost'}/console/`,
    });
    // The sign-in is answered only once its ConsoleLogin event is durable, like every recorded call.
    await this.record(record);
    if (check.outcome !== 'valid') {
      sendJson(res, 401, { __type: 'AuthFailure', message: 'Failed authentication: the access key ID or secret access key is not valid.' });
      return;
    }
    const session = this.sessions.open({ accountId: check.accountId, region, accessKeyId, identity: check.identity }, now);
    res.setHeader('Set-Cookie', sessionCookie(session.id, this.sessions.ttlSeconds, this.options.secure));
    sendJson(res, 200, describe(session));
  }

  private signOut(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    this.sessions.close(readCookie(req.headers.cookie, SESSION_COOKIE));
    res.setHeader('Set-Cookie', clearedSessionCookie(this.options.secure));
    sendJson(res, 200, {});
  }

  /** One operation as the session's principal, in its account and region, recorded like an API call. */
  private async call(req: IncomingMessage, res: ServerResponse, operation: string): Promise<void> {
    const session = this.session(req);
    if (!session) {
      req.resume();
      sendJson(res, 401, { __type: 'NotSignedIn', message: 'Your console session has expired or you signed out. Sign in again.' });
      return;
    }
    const requestId = randomUUID();
    const now = Date.now();
    const ctx: CallContext = { accountId: session.accountId, region: session.region, identity: session.identity, requestId, now };
    let input: Record<string, unknown> | undefined;
    let output: Record<string, unknown> | undefined;
    let failure: AwsError | undefined;
    const consoleOnly = CONSOLE_OPERATIONS.has(operation);
    const extension = this.options.service.knowsExtension(operation);
    try {
      input = await readJson(req);
      if (operation === 'ListLogFiles') output = await listLogFiles(this.options, input, ctx);
      else if (operation === 'GetLogFile') output = await getLogFile(this.options, input, ctx);
      else if (extension) output = await this.options.service.callExtension(operation, input, ctx);
      else if (this.options.service.knows(operation)) output = await this.options.service.call(operation, input, ctx);
      else throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
    } catch (error) {
      failure = error instanceof AwsError ? error : error instanceof BucketError ? new AwsError(error.code, error.message) : new AwsError('InternalFailure', 'The operation failed.', 500);
      if (failure.status >= 500) this.options.logger.error({ err: error, operation, requestId }, 'console operation failed');
    }
    // Console-only reads (log-file browsing) are S3 reads in AWS, not CloudTrail calls: not recorded.
    if (!consoleOnly) {
      const readOnly = extension || isReadOnlyOperation(operation);
      const record = buildRecord(
        ownApiCall({
          eventId: randomUUID(),
          operation,
          now,
          accountId: session.accountId,
          region: session.region,
          identity: session.identity,
          sourceIPAddress: peerAddress(req),
          userAgent: header(req, 'user-agent'),
          input,
          output,
          readOnly,
          requestId,
          ...(failure ? { failure: { code: failure.code, message: failure.message } } : {}),
        }),
      );
      try {
        await this.record(record);
      } catch (error) {
        this.options.logger.error({ err: error, operation, requestId }, 'could not record the console call');
        sendJson(res, 500, { __type: 'InternalFailure', message: 'The call could not be recorded.' }, requestId);
        return;
      }
    }
    if (failure) sendJson(res, failure.status, { __type: failure.code, message: failure.message }, requestId);
    else sendJson(res, 200, output ?? {}, requestId);
  }

  private async record(record: CloudTrailRecord): Promise<void> {
    await this.options.committer.commit(toJournalEntry(JSON.stringify(record), record));
  }
}

/** Compares secrets in constant time (different lengths compare as unequal without leaking where). */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function describe(session: ConsoleSession): Record<string, unknown> {
  const identity = session.identity;
  return {
    accountId: session.accountId,
    region: session.region,
    accessKeyId: session.accessKeyId,
    principal: { type: identity.type, arn: identity.arn, userName: identity.userName ?? (identity.type === 'Root' ? 'root' : undefined) },
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function peerAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > BODY_LIMIT) throw new AwsError('ValidationException', 'The request body is too large.', 413);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AwsError('SerializationException', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>, requestId: string = randomUUID()): void {
  const bytes = encodeReplyJson(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': bytes.length,
    'Cache-Control': 'no-store',
    'x-amzn-RequestId': requestId,
  });
  res.end(bytes);
}
