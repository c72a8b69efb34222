import type { OperationRouting, ServiceRouting } from '../api/index.js';
import { decodeCbor } from './cbor.js';
import { decodeForm } from './form.js';
import { toRecordMembers } from './record-builder.js';
import { lowerCamel, parseXml, xmlToValue } from './xml.js';

/** A call as resolved against the routing table (structurally the proxy's Resolution). */
export interface ResolvedCall {
  service: ServiceRouting;
  operation: string;
  routing: OperationRouting;
  labels: Record<string, string>;
  virtualBucket?: string;
}

/** The request as captured at the gateway: body only up to a cap (`truncated` says whether it was cut). */
export interface CapturedRequest {
  method: string;
  path: string;
  /** Decoded query parameters, in order. */
  query: [string, string][];
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
  truncated: boolean;
}

/** Parameters that sign or route a request, never parameters of the call. */
const PROTOCOL_PARAMS = /^(Action|Version|X-Amz-[A-Za-z-]+|x-id|AWSAccessKeyId|Signature|SignatureMethod|SignatureVersion|Timestamp|Expires)$/;
/** EC2 names some lists differently from their members' wire names. */
const EC2_SET_NAMES: Record<string, string> = { InstanceId: 'instancesSet' };

/** requestParameters as CloudTrail writes them, from the parsed request; null when there are none. */
export function requestParameters(call: ResolvedCall, request: CapturedRequest): Record<string, unknown> | null {
  const params = byProtocol(call, request);
  return params && Object.keys(params).length > 0 ? params : null;
}

function byProtocol(call: ResolvedCall, request: CapturedRequest): Record<string, unknown> | null {
  switch (call.service.protocol) {
    case 'json':
      return jsonBody(request);
    case 'smithy-rpc-v2-cbor':
      return asObject(toRecordMembers(decodeCbor(request.body)));
    case 'query':
    case 'ec2':
      return queryParameters(call, request);
    case 'rest-json':
    case 'rest-xml':
      return call.service.id === 's3' ? s3Parameters(call, request) : restParameters(call, request);
  }
}

function jsonBody(request: CapturedRequest): Record<string, unknown> | null {
  if (request.truncated || request.body.length === 0) return null;
  try {
    return asObject(toRecordMembers(JSON.parse(request.body.toString('utf8'))));
  } catch {
    return null;
  }
}

function queryParameters(call: ResolvedCall, request: CapturedRequest): Record<string, unknown> {
  const form = [...request.query];
  if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') && !request.truncated) {
    form.push(...new URLSearchParams(request.body.toString('utf8')));
  }
  const decoded = decodeForm(form.filter(([key]) => !PROTOCOL_PARAMS.test(key)));
  const memberOf = new Map((call.routing.in ?? []).filter(([, loc]) => loc === 'body').map(([member, , wire]) => [wire, member]));
  const out: Record<string, unknown> = {};
  for (const [wire, value] of Object.entries(decoded)) {
    if (call.service.protocol === 'ec2') {
      const key = lowerCamel(wire);
      out[Array.isArray(value) ? (EC2_SET_NAMES[wire] ?? `${key}Set`) : key] = ec2Value(key, value);
    } else {
      out[memberOf.get(wire) ?? wire] = value;
    }
  }
  if (call.service.protocol !== 'ec2') return toRecordMembers(out) as Record<string, unknown>;
  return call.operation === 'RunInstances' ? runInstancesShape(out) : out;
}

/** CloudTrail writes RunInstances' launch members inside `instancesSet.items`, counts as numbers. */
function runInstancesShape(params: Record<string, unknown>): Record<string, unknown> {
  const launch: Record<string, unknown> = {};
  for (const name of ['imageId', 'minCount', 'maxCount', 'keyName']) {
    if (params[name] === undefined) continue;
    const value = params[name];
    launch[name] = name.endsWith('Count') && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    delete params[name];
  }
  return Object.keys(launch).length > 0 ? { instancesSet: { items: [launch] }, ...params } : params;
}

/** EC2 writes lists as `{items: [...]}` and scalar list members as `{<name>: value}`. */
function ec2Value(name: string, value: unknown): unknown {
  if (Array.isArray(value)) return { items: (value as unknown[]).map((v) => (v !== null && typeof v === 'object' ? ec2Value(name, v) : { [name]: v })) };
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = lowerCamel(k);
    out[Array.isArray(v) ? `${key}Set` : key] = ec2Value(key, v);
  }
  return out;
}

/** S3 writes bucketName, Host, key and the query parameters by their wire names. */
function s3Parameters(call: ResolvedCall, request: CapturedRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const bucket = call.labels.Bucket ?? call.virtualBucket;
  if (bucket !== undefined) out.bucketName = bucket;
  if (request.headers.host !== undefined) out.Host = request.headers.host;
  for (const [key, value] of request.query) if (!PROTOCOL_PARAMS.test(key)) out[key] = value;
  if (call.labels.Key !== undefined) out.key = call.labels.Key;
  if (call.routing.pk === 'structure' && !request.truncated && request.body.length > 0) {
    const root = parseXml(request.body.toString('utf8'));
    if (root) out[root.name] = xmlToValue(root, { keepNames: true });
  }
  return out;
}

function restParameters(call: ResolvedCall, request: CapturedRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const query = new Map(request.query);
  for (const [member, location, wire] of call.routing.in ?? []) {
    const value =
      location === 'uri' ? call.labels[wire] : location === 'querystring' ? query.get(wire) : location === 'header' ? request.headers[wire.toLowerCase()] : undefined;
    if (value !== undefined) out[lowerCamel(member)] = value;
  }
  if (request.truncated || request.body.length === 0) return out;
  const payload = call.routing.p;
  if (payload && call.routing.pk !== 'structure') return out;
  const text = request.body.toString('utf8');
  const body = call.service.protocol === 'rest-json' ? safeJson(text) : xmlBody(text);
  if (body === undefined) return out;
  if (payload) out[lowerCamel(payload)] = toRecordMembers(body);
  else Object.assign(out, asObject(toRecordMembers(body)) ?? {});
  return out;
}

function xmlBody(text: string): unknown {
  const root = parseXml(text);
  return root ? xmlToValue(root) : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
