/** Request headers as node gives them: lower-case names; arrays from `headersDistinct` or repeated fields. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** One header's value; repeated values join with ',' as the SigV4 canonical form does. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map((v) => v.trim()).join(',') : value;
}
