/** Members CloudTrail never writes in clear: their values become HIDDEN_DUE_TO_SECURITY_REASONS. */
const SECRET_MEMBERS = new Set(
  [
    'password',
    'newPassword',
    'oldPassword',
    'secretAccessKey',
    'secretString',
    'secretBinary',
    'privateKey',
    'sessionToken',
    'clientSecret',
    'masterUserPassword',
    'plaintext',
    'authToken',
  ].map((m) => m.toLowerCase()),
);

export const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export function isSecretMember(name: string): boolean {
  return SECRET_MEMBERS.has(name.toLowerCase());
}

/** A copy of `value` with secret members hidden, at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSecretMember(key) && member !== null && member !== undefined ? HIDDEN : redact(member);
  }
  return out;
}
