import type { UserIdentity } from './types.js';

/**
 * The `Username` LookupEvents shows for a caller: the IAM user name, `root` for the root user, the
 * role-session (or federated user) name for temporary credentials, the service for AWS service calls.
 */
export function lookupUsername(identity: UserIdentity | undefined): string | undefined {
  if (!identity) return undefined;
  switch (identity.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return identity.userName ?? lastArnSegment(identity.arn);
    case 'AssumedRole':
    case 'FederatedUser':
      return lastArnSegment(identity.arn) ?? identity.userName ?? afterColon(identity.principalId);
    case 'AWSService':
      return identity.invokedBy;
    default:
      return identity.userName ?? (identity.type ? lastArnSegment(identity.arn) : undefined);
  }
}

function lastArnSegment(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const slash = arn.lastIndexOf('/');
  return slash >= 0 && slash < arn.length - 1 ? arn.slice(slash + 1) : undefined;
}

function afterColon(principalId: string | undefined): string | undefined {
  if (!principalId) return undefined;
  const colon = principalId.indexOf(':');
  return colon >= 0 ? principalId.slice(colon + 1) : undefined;
}
