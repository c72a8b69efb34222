/** Path and query of a request target, split the way the signature needs them. */
export interface RequestTarget {
  /** The path exactly as sent (still percent-encoded). */
  path: string;
  /** Query pairs in order, percent-decoded. */
  query: Array<[string, string]>;
}

/** Accepts origin-form (`/a?b=c`) and absolute-form (`http://host/a?b=c`, as proxies receive it). */
export function splitTarget(url: string): RequestTarget {
  let rest = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '');
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = (q >= 0 ? rest.slice(0, q) : rest) || '/';
  const query: Array<[string, string]> = [];
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = eq >= 0 ? pair.slice(0, eq) : pair;
      const value = eq >= 0 ? pair.slice(eq + 1) : '';
      query.push([decodeComponent(key), decodeComponent(value)]);
    }
  }
  return { path, query };
}

/** First value of a query parameter, by exact name. */
export function queryParam(query: ReadonlyArray<[string, string]>, name: string): string | undefined {
  return query.find(([k]) => k === name)?.[1];
}

// `+` means space in a query (botocore's own presigner parses queries that way). A malformed
// escape is kept as is: it is then re-encoded, and the signature simply fails to match.
function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
