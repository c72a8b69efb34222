/** Trail rows as both SQL backends keep them (JSON config and status, signing keys by column). */
import type { SigningKey, TrailConfig, TrailStatus } from '../trails/index.js';
import type { StoredTrail } from './types.js';

export interface TrailRow {
  id: number;
  config: string;
  status: string;
  deleted_at: number | null;
}

export interface KeyRow {
  region: string;
  fingerprint: string;
  public_key: Buffer;
  private_key: string;
  valid_from: number;
  valid_to: number | null;
}

export function toTrail(row: TrailRow): StoredTrail {
  const trail: StoredTrail = { id: row.id, config: JSON.parse(row.config) as TrailConfig, status: JSON.parse(row.status) as TrailStatus };
  if (row.deleted_at !== null) trail.deletedAt = row.deleted_at;
  return trail;
}

export function toSigningKey(r: KeyRow): SigningKey {
  return {
    region: r.region,
    fingerprint: r.fingerprint,
    publicKeyDer: r.public_key,
    privateKeyPem: r.private_key,
    validFrom: r.valid_from,
    ...(r.valid_to !== null ? { validTo: r.valid_to } : {}),
  };
}

/** A status patch: members set to undefined are removed. */
export function applyPatch(status: TrailStatus, patch: Partial<TrailStatus>): TrailStatus {
  const next: Record<string, unknown> = { ...status };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as unknown as TrailStatus;
}
