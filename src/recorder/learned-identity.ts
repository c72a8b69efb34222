import { userId } from '../auth/index.js';
import type { UserIdentity } from '../records/index.js';
import type { ResolvedCall } from './request-parameters.js';

/** An access key whose principal Cairn learned from a reply that passed through it. */
export interface LearnedIdentity {
  accessKeyId: string;
  /** The userIdentity calls signed with this key are recorded with. */
  identity: UserIdentity;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const dig = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), v);

const ASSUME_ROLE = new Set(['AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);

/**
 * The keys a successful reply hands out, with the identity AWS records for calls made with them:
 * IAM CreateAccessKey (IAMUser), STS AssumeRole* (AssumedRole with sessionContext), GetSessionToken
 * (the caller, in a session) and GetFederationToken (FederatedUser).
 */
export function learnIdentities(
  call: ResolvedCall,
  params: Record<string, unknown> | null,
  reply: unknown,
  caller: UserIdentity,
  accountId: string,
  now: number,
): LearnedIdentity[] {
  const creationDate = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const attributes = { creationDate, mfaAuthenticated: 'false' };
  if (call.service.id === 'iam' && (call.operation === 'CreateUser' || call.operation === 'GetUser')) {
    // The user's unique id (AIDA...), so keys made for the user later carry it as principalId.
    const userName = str(dig(reply, 'user', 'userName'));
    const id = str(dig(reply, 'user', 'userId'));
    const arn = str(dig(reply, 'user', 'arn'));
    if (!userName || !id || !arn) return [];
    return [{ accessKeyId: iamUserKey(accountId, userName), identity: { type: 'IAMUser', principalId: id, arn, accountId, userName } }];
  }
  if (call.service.id === 'iam' && call.operation === 'CreateAccessKey') {
    const accessKeyId = str(dig(reply, 'accessKey', 'accessKeyId'));
    const userName = str(dig(reply, 'accessKey', 'userName')) ?? str(params?.userName) ?? str(caller.userName);
    if (!accessKeyId || !userName) return [];
    return [
      {
        accessKeyId,
        identity: { type: 'IAMUser', principalId: userId(accountId, userName), arn: `arn:aws:iam::${accountId}:user/${userName}`, accountId, accessKeyId, userName },
      },
    ];
  }
  if (call.service.id !== 'sts') return [];
  const accessKeyId = str(dig(reply, 'credentials', 'accessKeyId'));
  if (!accessKeyId) return [];
  if (ASSUME_ROLE.has(call.operation)) {
    const arn = str(dig(reply, 'assumedRoleUser', 'arn'));
    const assumedRoleId = str(dig(reply, 'assumedRoleUser', 'assumedRoleId'));
    const roleArn = str(params?.roleArn);
    if (!arn || !assumedRoleId) return [];
    const roleAccount = arn.split(':')[4] ?? accountId;
    const roleName = /assumed-role\/([^/]+)\//.exec(arn)?.[1] ?? '';
    const issuerId = assumedRoleId.split(':')[0]!;
    const sessionContext: Record<string, unknown> = {
      sessionIssuer: { type: 'Role', principalId: issuerId, arn: roleArn ?? `arn:aws:iam::${roleAccount}:role/${roleName}`, accountId: roleAccount, userName: roleName },
    };
    if (call.operation === 'AssumeRoleWithWebIdentity') {
      sessionContext.webIdFederationData = { federatedProvider: str(dig(reply, 'provider')) ?? '', attributes: {} };
    }
    sessionContext.attributes = attributes;
    return [{ accessKeyId, identity: { type: 'AssumedRole', principalId: assumedRoleId, arn, accountId: roleAccount, accessKeyId, sessionContext } }];
  }
  if (call.operation === 'GetFederationToken') {
    const arn = str(dig(reply, 'federatedUser', 'arn'));
    const principalId = str(dig(reply, 'federatedUser', 'federatedUserId'));
    if (!arn || !principalId) return [];
    const issuer: Record<string, unknown> = { type: caller.type === 'Root' ? 'Root' : 'IAMUser', principalId: caller.principalId, arn: caller.arn, accountId };
    if (caller.userName) issuer.userName = caller.userName;
    return [{ accessKeyId, identity: { type: 'FederatedUser', principalId, arn, accountId, accessKeyId, sessionContext: { sessionIssuer: issuer, attributes } } }];
  }
  if (call.operation === 'GetSessionToken') {
    const { sessionContext: _previous, ...base } = caller;
    return [{ accessKeyId, identity: { ...base, accessKeyId, sessionContext: { attributes } } }];
  }
  return [];
}

/**
 * Where an IAM user's id and ARN are kept among learned identities (not an access key: no key id
 * contains ':'); `withKnownUser` reads it back.
 */
export function iamUserKey(accountId: string, userName: string): string {
  return `iam-user:${accountId}:${userName}`;
}

/** An IAMUser identity with the user's real id and ARN (path included), when the user is known. */
export function withKnownUser(identity: UserIdentity, user: UserIdentity | undefined): UserIdentity {
  if (!user || identity.type !== 'IAMUser') return identity;
  return { ...identity, principalId: user.principalId, arn: user.arn };
}

/** How CloudTrail records a caller whose key it cannot attribute. */
export function unknownIdentity(accessKeyId: string | undefined, accountId: string): UserIdentity {
  return accessKeyId ? { type: 'Unknown', principalId: accessKeyId, accountId, accessKeyId } : { type: 'Unknown', principalId: 'anonymous', accountId };
}
