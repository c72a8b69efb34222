import { headerValue, type HeaderBag } from './headers.js';
import { queryParam, splitTarget } from './request-target.js';

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/**
 * The `Credential=AKID/date/region/service/aws4_request` a request carries (header or presigned
 * query), read without any check, for `--auth off`; undefined when there is none or it is malformed.
 */
export function readCredentialScope(url: string, headers: HeaderBag): CredentialScope | undefined {
  const authorization = headerValue(headers, 'authorization');
  const credential =
    authorization !== undefined
      ? /Credential=([^,\s]+)/.exec(authorization)?.[1]
      : queryParam(splitTarget(url).query, 'X-Amz-Credential');
  const parts = credential?.split('/');
  if (parts?.length !== 5) return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string, string];
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, date, region, service };
}
