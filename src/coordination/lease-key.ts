/** Advisory-lock namespace of job leases ("Cair" + 1), apart from the store's own locks. */
export const LEASE_NAMESPACE = 0x43616973;

/** A job name as the 32-bit key of an advisory lock (FNV-1a; a collision only makes two jobs share one lease). */
export function leaseKey(job: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < job.length; i++) {
    hash ^= job.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
