import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { GatewayModeConfig } from '../main.js';
import type { UserIdentity } from '../records/index.js';

/**
 * Gateway settings from `--upstream`, `--trusted-proxy`, `--identities` and a JSON config file:
 * `{"upstream": URL, "upstreams": {"s3": URL, "lambda": URL}, "trustedProxies": [...], "identities": FILE}`.
 * Flags win over the file. Undefined when no upstream is configured at all (plain CloudTrail mode).
 */
export function gatewayConfig(flags: { upstream?: string; config?: string; trustedProxy?: string[]; identities?: string }): GatewayModeConfig | undefined {
  const file = flags.config ? readConfigFile(flags.config) : {};
  const upstream = flags.upstream ?? file.upstream;
  const byService = new Map(Object.entries(file.upstreams ?? {}).map(([service, url]) => [service, parseUrl(url, `upstreams.${service}`)]));
  if (upstream === undefined && byService.size === 0) return undefined;
  const identitiesFile = flags.identities ?? (file.identities && flags.config ? resolve(dirname(flags.config), file.identities) : undefined);
  return {
    upstreams: { ...(upstream !== undefined ? { default: parseUrl(upstream, '--upstream') } : {}), byService },
    trustedProxies: flags.trustedProxy ?? file.trustedProxies ?? [],
    identities: identitiesFile ? readIdentities(identitiesFile) : new Map(),
  };
}

interface ConfigFile {
  upstream?: string;
  upstreams?: Record<string, string>;
  trustedProxies?: string[];
  identities?: string;
}

function readConfigFile(path: string): ConfigFile {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: the config file must hold a JSON object`);
  const c = parsed as ConfigFile & Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (c.upstream !== undefined && typeof c.upstream !== 'string') throw new Error(`${path}: "upstream" must be a URL`);
  if (c.upstreams !== undefined && (typeof c.upstreams !== 'object' || c.upstreams === null || !Object.values(c.upstreams).every((v) => typeof v === 'string'))) {
    throw new Error(`${path}: "upstreams" must map service names to URLs`);
  }
  if (c.trustedProxies !== undefined && !strings(c.trustedProxies)) throw new Error(`${path}: "trustedProxies" must be a list of addresses`);
  if (c.identities !== undefined && typeof c.identities !== 'string') throw new Error(`${path}: "identities" must be a file name`);
  return c;
}

function parseUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${what} must be an http(s) URL, not ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${what} must be an http(s) URL, not ${text}`);
  return url;
}

/** An identities file: a JSON list of CloudTrail userIdentity objects, each with its accessKeyId. */
export function readIdentities(path: string): Map<string, UserIdentity> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const list = Array.isArray(parsed) ? parsed : (parsed as { identities?: unknown } | null)?.identities;
  if (!Array.isArray(list)) throw new Error(`${path}: expected a JSON list of userIdentity objects`);
  const out = new Map<string, UserIdentity>();
  for (const [i, entry] of list.entries()) {
    const identity = entry as UserIdentity | null;
    if (identity === null || typeof identity !== 'object' || typeof identity.accessKeyId !== 'string' || typeof identity.type !== 'string') {
      throw new Error(`${path}: entry ${i} needs at least "type" and "accessKeyId"`);
    }
    out.set(identity.accessKeyId, identity);
  }
  return out;
}
