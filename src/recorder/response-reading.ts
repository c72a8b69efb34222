import { decodeCbor } from './cbor.js';
import { toRecordMembers } from './record-builder.js';
import type { ResolvedCall } from './request-parameters.js';
import type { XmlElement } from './xml.js';
import { child, parseXml, xmlToValue } from './xml.js';

/** The upstream's answer as captured at the gateway (body up to a cap). */
export interface CapturedResponse {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
  truncated: boolean;
}

export interface UpstreamError {
  code: string;
  message?: string;
}

/** Error codes for bodiless errors (HEAD), as S3 clients name them by status. */
const STATUS_CODES: Record<number, string> = {
  301: 'PermanentRedirect',
  307: 'TemporaryRedirect',
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'AccessDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  416: 'InvalidRange',
  500: 'InternalError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export function isErrorStatus(status: number): boolean {
  return status >= 300 && status !== 304;
}

/** errorCode and errorMessage from an upstream error reply, in each protocol's error format. */
export function readUpstreamError(protocol: ResolvedCall['service']['protocol'] | undefined, response: CapturedResponse): UpstreamError {
  const fromBody = errorFromBody(response);
  const headerType = response.headers['x-amzn-errortype']?.split(':')[0];
  const code = fromBody?.code ?? (headerType || undefined) ?? STATUS_CODES[response.status] ?? String(response.status);
  const error: UpstreamError = { code: protocol === 'ec2' && !/^(Client|Server)\./.test(code) ? `${response.status >= 500 ? 'Server' : 'Client'}.${code}` : code };
  const message = fromBody?.message ?? response.headers['x-amzn-errormessage'];
  if (message) error.message = message;
  return error;
}

function errorFromBody(response: CapturedResponse): UpstreamError | undefined {
  if (response.body.length === 0) return undefined;
  const text = response.body.toString('utf8').trim();
  if (text.startsWith('<')) {
    const root = parseXml(text);
    const error = root && findError(root);
    const code = child(error, 'Code')?.text;
    if (!code) return undefined;
    const message = child(error, 'Message')?.text;
    return message ? { code, message } : { code };
  }
  const parsed = text.startsWith('{') ? safeJson(text) : decodeCbor(response.body);
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const body = parsed as Record<string, unknown>;
  const rawCode = [body.__type, body.code, body.Code, body.errorType].find((v): v is string => typeof v === 'string');
  if (!rawCode) return undefined;
  // `com.amazon.coral.service#ResourceNotFoundException` and `aws.protocoljson#X` name X.
  const code = rawCode.slice(rawCode.lastIndexOf('#') + 1).split(':')[0]!;
  const message = [body.message, body.Message, body.errorMessage].find((v): v is string => typeof v === 'string');
  return message ? { code, message } : { code };
}

function findError(element: XmlElement): XmlElement | undefined {
  if (element.name === 'Error') return element;
  for (const c of element.children) {
    const found = findError(c);
    if (found) return found;
  }
  return undefined;
}

/** The service's request id: from the response headers, else the XML body, else undefined. */
export function upstreamRequestId(response: CapturedResponse): string | undefined {
  const h = response.headers;
  const fromHeader = h['x-amzn-requestid'] ?? h['x-amz-request-id'] ?? h['x-amzn-request-id'];
  if (fromHeader) return fromHeader;
  const text = response.body.subarray(0, 65536).toString('utf8');
  return /<(?:RequestId|requestId|RequestID)>([^<]+)</.exec(text)?.[1];
}

/** The reply parsed into a value (JSON, CBOR or XML), or undefined. Unredacted: identity learning reads it. */
export function parseReply(call: ResolvedCall, response: CapturedResponse): unknown {
  if (response.truncated || response.body.length === 0) return undefined;
  switch (call.service.protocol) {
    case 'json':
    case 'rest-json':
      return toRecordMembers(safeJson(response.body.toString('utf8')));
    case 'smithy-rpc-v2-cbor':
      return toRecordMembers(decodeCbor(response.body));
    case 'query': {
      // <XResponse><XResult>...</XResult><ResponseMetadata/></XResponse>
      const root = parseXml(response.body.toString('utf8'));
      const result = root?.children.find((c) => c.name.endsWith('Result'));
      return result && result.children.length > 0 ? xmlToValue(result) : undefined;
    }
    case 'ec2':
    case 'rest-xml': {
      const root = parseXml(response.body.toString('utf8'));
      return root ? xmlToValue(root) : undefined;
    }
  }
}

/** responseElements for a successful mutating call: the parsed reply, plus header-bound outputs. */
export function responseElements(call: ResolvedCall, response: CapturedResponse, reply: unknown): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  // S3 writes its x-amz-* header outputs by header name (x-amz-version-id ...), not its XML bodies.
  if (call.service.id === 's3') {
    for (const [, location, wire] of call.routing.out ?? []) {
      const value = location === 'header' && wire.toLowerCase().startsWith('x-amz-') ? response.headers[wire.toLowerCase()] : undefined;
      if (value !== undefined) out[wire] = value;
    }
    return Object.keys(out).length > 0 ? out : null;
  }
  if (reply !== null && typeof reply === 'object' && !Array.isArray(reply)) Object.assign(out, reply);
  return Object.keys(out).length > 0 ? out : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
