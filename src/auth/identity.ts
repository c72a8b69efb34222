import type { UserIdentity } from '../records/index.js';
import type { Credential } from '../store/index.js';
import { roleId, userId } from './principal-ids.js';

/** The CloudTrail `userIdentity` of a caller signing with `credential`, keys in AWS's order. */
export function identityFor(credential: Credential): UserIdentity {
  const { accountId, accessKeyId } = credential;
  switch (credential.principalType) {
    case 'Root':
      return { type: 'Root', principalId: accountId, arn: `arn:aws:iam::${accountId}:root`, accountId, accessKeyId };
    case 'IAMUser': {
      const userName = required(credential.principalName, credential);
      return {
        type: 'IAMUser',
        principalId: userId(accountId, userName),
        arn: `arn:aws:iam::${accountId}:user/${userName}`,
        accountId,
        accessKeyId,
        userName,
      };
    }
    case 'AssumedRole': {
      const role = required(credential.principalName, credential);
      const session = required(credential.sessionName, credential);
      const issuerId = roleId(accountId, role);
      return {
        type: 'AssumedRole',
        principalId: `${issuerId}:${session}`,
        arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`,
        accountId,
        accessKeyId,
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: issuerId, arn: `arn:aws:iam::${accountId}:role/${role}`, accountId, userName: role },
          attributes: { creationDate: isoSeconds(credential.createdAt), mfaAuthenticated: 'false' },
        },
      };
    }
  }
}

// A credential without its names is a bug upstream (stores validate on put); say which key.
function required(value: string | undefined, credential: Credential): string {
  if (!value) throw new Error(`credential ${credential.accessKeyId} (${credential.principalType}) lacks a principal or session name`);
  return value;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
