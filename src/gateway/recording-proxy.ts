import { randomUUID } from 'node:crypto';
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import type { WireProtocol } from '../api/index.js';
import type { GroupCommitter } from '../journal/index.js';
import type { ServiceGuess, UpstreamMap } from '../proxy/index.js';
import { errorReply, guessService, parseQuery, pickUpstream, resolveOperation, RoutingIndex, splitRequestTarget } from '../proxy/index.js';
import type { RequestView } from '../proxy/index.js';
import { toJournalEntry } from '../records/index.js';
import type { UserIdentity } from '../records/index.js';
import type { CapturedResponse, LearnedIdentity, ProxiedExchange } from '../recorder/index.js';
import { buildRecord, encodeCborStringMap, recordProxiedCall } from '../recorder/index.js';
import { Capture } from './capture.js';
import { headerValue, tlsDetails } from './request-meta.js';
import { joinedHeaders } from './joined-headers.js';

/** Who signs with an access key, as far as Cairn knows (its own keys, the identities file, learned keys). */
export type IdentityLookup = (accessKeyId: string | undefined) => Promise<{ identity: UserIdentity; accountId: string }>;

export interface RecordingProxyOptions {
  upstreams: UpstreamMap;
  committer: GroupCommitter;
  identify: IdentityLookup;
  /** Remembers keys handed out by replies that passed through. */
  learn: (learned: readonly LearnedIdentity[], at: number) => Promise<void>;
  defaultRegion: string;
  /** Peers whose X-Forwarded-For is believed. */
  trustedProxies: ReadonlySet<string>;
  logger: Logger;
  agents: { http: Agent; https: Agent };
  index?: RoutingIndex;
}

/** How much of each body is kept for the record: parameters above CloudTrail's 100 KB cap are dropped anyway. */
const CAPTURE_LIMIT = 256 * 1024;
/** Clients that sent `Expect: 100-continue` get a 100 after this long even if the upstream is silent. */
const CONTINUE_AFTER_MS = 1_000;
/** How long a failed call waits for the rest of its request body before it is recorded without it. */
const BODY_WAIT_MS = 5_000;
/** Headers about one connection, not the message: the gateway's own connections carry their own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'upgrade']);

/**
 * The recording gateway: forwards a call unchanged to its upstream, streams the answer back, and
 * records the call. The last chunk of the answer is held until the event is durable in the journal,
 * so a client never sees a complete response for a call the journal lacks.
 */
export class RecordingProxy {
  private readonly index: RoutingIndex;

  constructor(private readonly options: RecordingProxyOptions) {
    this.index = options.index ?? new RoutingIndex();
  }

  handle(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    new ForwardedCall(req, res, expectsContinue, this.options, this.index).start();
  }
}

class ForwardedCall {
  private readonly arrivedAt = Date.now();
  private readonly eventId = randomUUID();
  private readonly fallbackRequestId = randomUUID();
  private readonly view: RequestView;
  private readonly guess: ServiceGuess;
  private readonly identity: Promise<{ identity: UserIdentity; accountId: string }>;
  private readonly requestBody = new Capture(CAPTURE_LIMIT);
  private readonly responseBody = new Capture(CAPTURE_LIMIT);
  private response: { status: number; headers: Record<string, string | undefined>; raw: string[] } | undefined;
  private held: Buffer | undefined;
  private headSent = false;
  private recording: Promise<void> | undefined;
  private finished = false;
  private lost = false;
  private bodyFlowing = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly expectsContinue: boolean,
    private readonly options: RecordingProxyOptions,
    private readonly index: RoutingIndex,
  ) {
    const { path, query } = splitRequestTarget(req.url ?? '/');
    this.view = { method: req.method ?? 'GET', path, query, headers: joinedHeaders(req) };
    this.guess = guessService(index, req.url ?? '/', this.view);
    this.identity = options.identify(this.guess.accessKeyId);
  }

  start(): void {
    const upstream = pickUpstream(this.options.upstreams, this.guess);
    if (!upstream) {
      this.failBeforeResponse('ServiceUnavailable', 'Cairn has no upstream configured for this service.', 503);
      this.req.resume();
      return;
    }
    const { path, query } = splitRequestTarget(this.req.url ?? '/');
    const secure = upstream.protocol === 'https:';
    const outgoing = (secure ? httpsRequest : httpRequest)({
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
      port: upstream.port || (secure ? 443 : 80),
      method: this.req.method,
      // An upstream configured with a base path (http://host/prefix) gets it in front of each call's path.
      path: `${upstream.pathname.replace(/\/$/, '')}${path}${query ? `?${query}` : ''}`,
      headers: forwardedHeaders(this.req.rawHeaders),
      setHost: false,
      agent: secure ? this.options.agents.https : this.options.agents.http,
    });
    if (this.expectsContinue) {
      // The client waits for 100 Continue: ask the upstream first, and pass its answer on.
      let bodyStarted = false;
      const sendBody = (): void => {
        if (bodyStarted || this.response) return;
        bodyStarted = true;
        if (!this.res.headersSent) this.res.writeContinue();
        this.pipeRequest(outgoing);
      };
      outgoing.on('continue', sendBody);
      const timer = setTimeout(sendBody, CONTINUE_AFTER_MS);
      outgoing.once('response', () => clearTimeout(timer));
      outgoing.once('error', () => clearTimeout(timer));
      outgoing.flushHeaders();
    } else {
      this.pipeRequest(outgoing);
    }
    outgoing.on('response', (incoming) => {
      this.onResponse(incoming);
      // A final answer before the body was asked for: that body never goes upstream.
      if (!outgoing.writableFinished && !this.req.readableFlowing) incoming.once('end', () => outgoing.destroy());
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (this.response) return; // the response side reports its own failure
      this.failBeforeResponse('ServiceUnavailable', `Cairn could not reach the upstream ${upstream.origin}: ${error.code ?? error.message}`, 503);
    });
    this.res.on('close', () => {
      if (this.finished || this.recording) return;
      outgoing.destroy();
      const sent = this.responseBody.size;
      this.record({ code: 'ClientDisconnected', message: `The client closed the connection before the response was complete (${sent} response bytes from the upstream).` }).catch(
        // Already logged by record(); nobody is left to answer.
        () => undefined,
      );
    });
  }

  /** Request body: streamed to the upstream with backpressure; a copy of its start is kept for the record. */
  private pipeRequest(outgoing: ReturnType<typeof httpRequest>): void {
    this.bodyFlowing = true;
    this.req.on('data', (chunk: Buffer) => {
      this.requestBody.add(chunk);
      // Once the upstream is gone the rest of the body is still read (for the record), not sent.
      if (outgoing.destroyed) return;
      if (!outgoing.write(chunk)) {
        this.req.pause();
        outgoing.once('drain', () => this.req.resume());
      }
    });
    this.req.on('end', () => outgoing.end());
    this.req.on('error', () => outgoing.destroy());
  }

  private onResponse(incoming: IncomingMessage): void {
    this.response = { status: incoming.statusCode ?? 502, headers: joinedHeaders(incoming), raw: forwardedHeaders(incoming.rawHeaders) };
    incoming.on('data', (chunk: Buffer) => {
      this.responseBody.add(chunk);
      const previous = this.held;
      this.held = chunk;
      if (previous && !this.writeToClient(previous)) {
        incoming.pause();
        this.res.once('drain', () => incoming.resume());
      }
    });
    incoming.on('end', () => {
      if (this.lost) return;
      this.record(undefined).then(
        () => {
          this.sendHead();
          this.finished = true;
          if (this.held) this.res.end(this.held);
          else this.res.end();
        },
        () => this.res.destroy(),
      );
    });
    incoming.on('aborted', () => this.upstreamLost());
    incoming.on('error', () => this.upstreamLost());
  }

  private upstreamLost(): void {
    if (this.lost || this.finished) return;
    this.lost = true;
    const cut = (): void => void this.res.destroy();
    this.record({ code: 'UpstreamConnectionLost', message: 'The upstream closed the connection before its response was complete.' }).then(cut, cut);
  }

  private sendHead(): void {
    if (this.headSent || !this.response) return;
    this.headSent = true;
    this.res.writeHead(this.response.status, this.response.raw);
  }

  private writeToClient(chunk: Buffer): boolean {
    this.sendHead();
    return this.res.write(chunk);
  }

  /** A failure Cairn answers itself (no upstream answer): recorded first, then sent in the client's protocol. */
  private failBeforeResponse(code: string, message: string, status: number): void {
    const reply = errorReply(replyProtocol(this.guess, this.view), { code, message, status }, this.fallbackRequestId, encodeCborStringMap);
    this.record({ code, message }).then(
      () => {
        if (this.res.headersSent || this.res.destroyed) return;
        this.finished = true;
        this.res.writeHead(reply.status, { ...reply.headers, 'Content-Length': reply.body.length });
        this.res.end(this.req.method === 'HEAD' ? undefined : reply.body);
      },
      () => this.res.destroy(),
    );
  }

  /**
   * Resolves once the client's body has been read (the form body names a query call's Action), or
   * at once when the client is not sending it (waiting for a 100 Continue that will not come).
   */
  private requestRead(): Promise<void> {
    if (!this.bodyFlowing || this.req.readableEnded || this.req.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, BODY_WAIT_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.req.once('end', done);
      this.req.once('close', done);
      this.req.resume();
    });
  }

  /** Builds and commits the event once; resolves when it is durable. */
  private record(failure: { code: string; message: string } | undefined): Promise<void> {
    this.recording ??= this.commitRecord(failure);
    return this.recording;
  }

  private async commitRecord(failure: { code: string; message: string } | undefined): Promise<void> {
    try {
      await this.requestRead();
      const { identity, accountId } = await this.identity;
      const response = this.response;
      const captured: CapturedResponse | undefined = response && { status: response.status, headers: response.headers, body: this.responseBody.bytes(), truncated: this.responseBody.truncated };
      const body = this.requestBody.bytes();
      const resolved = resolveOperation(this.index, this.guess, this.view, this.requestBody.truncated ? undefined : body);
      const exchange: ProxiedExchange = {
        eventId: this.eventId,
        arrivedAt: this.arrivedAt,
        fallbackRequestId: this.fallbackRequestId,
        resolved,
        unresolved: unresolvedNames(this.guess, this.view),
        accountId,
        region: this.guess.region ?? this.options.defaultRegion,
        identity,
        sourceIPAddress: clientAddress(this.req, this.options.trustedProxies),
        userAgent: headerValue(this.req, 'user-agent'),
        bytesIn: this.requestBody.size,
        bytesOut: this.responseBody.size,
        request: { method: this.view.method, path: this.view.path, query: parseQuery(this.view.query), headers: this.view.headers, body, truncated: this.requestBody.truncated },
        ...(captured ? { response: captured } : {}),
        ...(failure ? { failure } : {}),
      };
      const tls = tlsDetails(this.req);
      if (tls) exchange.tls = tls;
      const { call, learned } = recordProxiedCall(exchange);
      const record = buildRecord(call);
      await this.options.committer.commit(toJournalEntry(JSON.stringify(record), record));
      if (learned.length > 0) await this.options.learn(learned, this.arrivedAt);
    } catch (error) {
      this.options.logger.error({ err: error, url: this.req.url }, 'could not record a forwarded call');
      throw error;
    }
  }
}

/** The protocol the client speaks, for errors Cairn answers itself. */
function replyProtocol(guess: ServiceGuess, view: RequestView): WireProtocol | undefined {
  if (view.headers['smithy-protocol'] === 'rpc-v2-cbor') return 'smithy-rpc-v2-cbor';
  if (view.headers['x-amz-target'] !== undefined) return 'json';
  const protocols = new Set(guess.candidates.map((s) => s.protocol));
  if (protocols.size === 1) return [...protocols][0];
  if ((view.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') || /(^|&)Action=/.test(view.query)) return 'query';
  return undefined;
}

/** Headers as they pass through, either way: in order and spelling, minus the hop-by-hop ones. */
function forwardedHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

function unresolvedNames(guess: ServiceGuess, view: RequestView): { eventSource: string; eventName: string } {
  const service = guess.candidates.length === 1 ? guess.candidates[0] : undefined;
  const eventSource = service?.eventSource ?? (guess.signingName ? `${guess.signingName}.amazonaws.com` : 'unknown');
  const target = view.headers['x-amz-target'];
  const action = new Map(parseQuery(view.query)).get('Action');
  return { eventSource, eventName: target ? target.slice(target.lastIndexOf('.') + 1) : (action ?? `${view.method} ${view.path}`) };
}

/** The caller's address: X-Forwarded-For is read only when the peer is a trusted proxy. */
export function clientAddress(req: IncomingMessage, trusted: ReadonlySet<string>): string {
  const peer = normalise(req.socket.remoteAddress ?? '');
  if (!trusted.has(peer)) return peer;
  const forwarded = (req.headersDistinct['x-forwarded-for'] ?? []).join(',').split(',').map((s) => normalise(s.trim())).filter(Boolean);
  // The right-most address no trusted proxy vouches for is the client.
  for (let i = forwarded.length - 1; i >= 0; i--) if (!trusted.has(forwarded[i]!)) return forwarded[i]!;
  return forwarded[0] ?? peer;
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
