import type { OperationRouting, ServiceRouting } from '../api/index.js';
import { readCredentialScope } from '../auth/index.js';
import { matchRest } from './rest-match.js';
import type { RequestView } from './request-view.js';
import { hostName, parseQuery } from './request-view.js';
import type { RoutingIndex } from './routing-index.js';

/** How a request's service was recognised (for diagnostics and tests). */
export type ServiceEvidence = 'scope' | 'target' | 'host' | 'path' | 'action';

export interface ServiceGuess {
  /** Services the request may belong to (several share a signing name, e.g. elb and elbv2). */
  candidates: readonly ServiceRouting[];
  /** The SigV4 signing name, when the request carries a credential scope. */
  signingName?: string;
  region?: string;
  accessKeyId?: string;
  evidence?: ServiceEvidence;
}

export interface Resolution {
  service: ServiceRouting;
  operation: string;
  routing: OperationRouting;
  /** REST URI labels (decoded); S3's bucket comes from the host for virtual-hosted requests. */
  labels: Record<string, string>;
  /** S3 virtual-hosted bucket, when the host named it. */
  virtualBucket?: string;
}

const CBOR_PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;
/** `<bucket>.s3.amazonaws.com`, `<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3-<region>...`, `<bucket>.localhost`. */
const S3_VIRTUAL_HOST = [/^(.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/, /^(.+)\.s3\.localhost\.localstack\.cloud$/, /^(.+)\.localhost$/];
const AWS_HOST = /^([a-z0-9.-]+?)(?:\.([a-z]{2}(?:-gov)?-[a-z]+-\d))?\.amazonaws\.com(?:\.cn)?$/;

/**
 * The service of a request, from what is known before its body: the SigV4 credential scope first,
 * then the X-Amz-Target prefix (or the RPC v2 CBOR path), then the host and path.
 */
export function guessService(index: RoutingIndex, url: string, view: RequestView): ServiceGuess {
  const scope = readCredentialScope(url, view.headers);
  const base: ServiceGuess = { candidates: [] };
  if (scope) {
    base.signingName = scope.service;
    base.region = scope.region;
    base.accessKeyId = scope.accessKeyId;
    const signed = index.withSigningName(scope.service);
    if (signed.length > 0) return { ...base, candidates: narrow(index, signed, view), evidence: 'scope' };
  }
  const target = byTarget(index, view);
  if (target) return { ...base, candidates: [target], evidence: 'target' };
  const host = hostName(view.headers);
  if (virtualBucket(host) !== undefined) return { ...base, candidates: index.withEndpointPrefix('s3'), evidence: 'host' };
  const aws = AWS_HOST.exec(host);
  if (aws?.[1]) {
    const labels = aws[1].split('.');
    for (let i = 0; i < labels.length; i++) {
      const found = index.withEndpointPrefix(labels.slice(i).join('.'));
      if (found.length > 0) return { ...base, ...(aws[2] ? { region: aws[2] } : {}), candidates: found, evidence: 'host' };
    }
  }
  if (parseQuery(view.query).some(([key]) => key === 'Action')) {
    return { ...base, candidates: index.services.filter((s) => s.protocol === 'query' || s.protocol === 'ec2'), evidence: 'action' };
  }
  return { ...base, candidates: index.services.filter((s) => s.protocol.startsWith('rest')), evidence: 'path' };
}

/** Among services sharing a signing name, keep those the target prefix or CBOR path names. */
function narrow(index: RoutingIndex, services: readonly ServiceRouting[], view: RequestView): readonly ServiceRouting[] {
  if (services.length === 1) return services;
  const target = byTarget(index, view);
  if (target && services.includes(target)) return [target];
  return services;
}

function byTarget(index: RoutingIndex, view: RequestView): ServiceRouting | undefined {
  const target = view.headers['x-amz-target'];
  if (target) {
    const dot = target.lastIndexOf('.');
    if (dot > 0) return index.withTargetPrefix(target.slice(0, dot));
  }
  const cbor = CBOR_PATH.exec(view.path);
  return cbor?.[1] ? index.withTargetPrefix(decodeURIComponent(cbor[1])) : undefined;
}

export function virtualBucket(host: string): string | undefined {
  for (const pattern of S3_VIRTUAL_HOST) {
    const bucket = pattern.exec(host)?.[1];
    // `s3.amazonaws.com` style hosts name no bucket.
    if (bucket && !/^s3([.-]|$)/.test(bucket)) return bucket;
  }
  return undefined;
}

/**
 * The operation a request calls, once its (captured) body is known: X-Amz-Target for JSON, the CBOR
 * path for RPC v2, Action in the query or form body for query and EC2, and the HTTP bindings for REST.
 */
export function resolveOperation(index: RoutingIndex, guess: ServiceGuess, view: RequestView, body: Buffer | undefined): Resolution | undefined {
  const target = view.headers['x-amz-target'];
  const cbor = CBOR_PATH.exec(view.path);
  if (target || cbor) {
    const [prefix, name] = target ? [target.slice(0, target.lastIndexOf('.')), target.slice(target.lastIndexOf('.') + 1)] : [decodeURIComponent(cbor![1]!), decodeURIComponent(cbor![2]!)];
    const service = index.withTargetPrefix(prefix);
    const routing = service?.operations[name];
    if (service && routing) return { service, operation: name, routing, labels: {} };
  }
  const form = formParameters(view, body);
  const action = form.get('Action');
  if (action !== undefined) {
    const version = form.get('Version');
    const pool = guess.candidates.filter((s) => (s.protocol === 'query' || s.protocol === 'ec2') && s.operations[action]);
    const service = pool.find((s) => s.apiVersion === version) ?? pool[0];
    if (service) return { service, operation: action, routing: service.operations[action]!, labels: {} };
  }
  return resolveRest(index, guess, view);
}

function resolveRest(index: RoutingIndex, guess: ServiceGuess, view: RequestView): Resolution | undefined {
  const host = hostName(view.headers);
  for (const service of guess.candidates) {
    if (!service.protocol.startsWith('rest')) continue;
    const bucket = service.id === 's3' ? virtualBucket(host) : undefined;
    const path = bucket === undefined ? view.path : `/${encodeURIComponent(bucket)}${view.path === '/' ? '' : view.path}`;
    const match = matchRest(index.restTemplates(service), view.method, path, view.query, view.headers);
    if (match) {
      const resolution: Resolution = { service, operation: match.operation, routing: service.operations[match.operation]!, labels: match.labels };
      if (bucket !== undefined) resolution.virtualBucket = bucket;
      return resolution;
    }
  }
  return undefined;
}

/** Query-string parameters, plus a form body's when the request is a form post. */
export function formParameters(view: RequestView, body: Buffer | undefined): Map<string, string> {
  const params = new Map(parseQuery(view.query));
  const type = view.headers['content-type'] ?? '';
  if (body && body.length > 0 && type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of parseQuery(body.toString('utf8'))) params.set(key, value);
  }
  return params;
}
