import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../api/index.js';
import type { EncodedResponse } from '../protocol/index.js';
import { encodeError, toAwsError } from '../protocol/index.js';
import type { ApiEndpointDeps } from './api-endpoint.js';
import { handleApiCall, isOwnApiCall } from './api-endpoint.js';
import type { RecordingProxy } from './recording-proxy.js';
import { readBody } from './read-body.js';
import type { AuditEndpointDeps } from './audit-endpoint.js';
import { isAuditEventsCall, isAuditEventsPath, serveAuditEvents } from './audit-endpoint.js';

export interface GatewayOptions extends ApiEndpointDeps {
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  tls?: { cert: Buffer; key: Buffer };
  /** Gateway mode: every call that is not Cairn's own API is forwarded and recorded. */
  proxy?: RecordingProxy;
  /** The web console under `/console` (unsigned requests only; a signed one is an AWS call). */
  console?: ConsoleRoute;
  /** PutAuditEvents (`cloudtrail-data`), served by Cairn itself, never forwarded. */
  auditEvents?: AuditEndpointDeps;
}

/** What the gateway needs of the console: which requests are its, and how to answer them. */
export interface ConsoleRoute {
  handles(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** Cairn's HTTP front door: `/health`, the CloudTrail API on `POST /`, and in gateway mode every other call. */
export function createGateway(options: GatewayOptions): Server {
  const proxy = options.proxy;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (options.console?.handles(req)) {
      options.console.handle(req, res);
      return;
    }
    if (proxy && !isOwnApiCall(req) && !isOwnAuditCall(req, options)) {
      proxy.handle(req, res, false);
      return;
    }
    route(req, res, options).catch((error: unknown) => {
      options.logger.error({ err: error }, 'request failed');
      if (!res.headersSent) send(res, { ...encodeError(toAwsError(error)), requestId: randomUUID() });
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  // Expect: 100-continue: a forwarded call asks its upstream first; Cairn's own API just continues.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (proxy && !options.console?.handles(req) && !isOwnApiCall(req) && !isOwnAuditCall(req, options)) {
      proxy.handle(req, res, true);
      return;
    }
    res.writeContinue();
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function isOwnAuditCall(req: IncomingMessage, options: GatewayOptions): boolean {
  return options.auditEvents !== undefined && isAuditEventsCall(req);
}

async function route(req: IncomingMessage, res: ServerResponse, options: GatewayOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (options.auditEvents && isAuditEventsPath(req)) {
    await serveAuditEvents(req, res, options.auditEvents);
    return;
  }
  if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
    send(res, { status: 200, contentType: 'application/json', body: '{"status":"ok"}', requestId: randomUUID() });
    return;
  }
  if (req.method !== 'POST' || path !== '/') {
    req.resume();
    const error = new AwsError('UnknownOperationException', `No operation at ${req.method ?? ''} ${path ?? ''}`, 404);
    send(res, { ...encodeError(error), requestId: randomUUID() });
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, options.bodyLimit);
  } catch (error) {
    res.setHeader('Connection', 'close');
    send(res, { ...encodeError(toAwsError(error)), requestId: randomUUID() });
    req.resume();
    return;
  }
  send(res, await handleApiCall(req, body, options));
}

function send(res: ServerResponse, response: EncodedResponse & { requestId: string }): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  res.writeHead(response.status, {
    'Content-Type': response.contentType,
    'Content-Length': body.length,
    'x-amzn-RequestId': response.requestId,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
