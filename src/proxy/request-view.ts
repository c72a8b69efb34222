/** What resolution and recording need to know of a request: no sockets, no streams. */
export interface RequestView {
  method: string;
  /** Path as sent (percent-encoded), without the query. */
  path: string;
  /** Raw query string, without the leading '?'. */
  query: string;
  /** Header values by lower-case name (repeated headers joined with ','). */
  headers: Readonly<Record<string, string | undefined>>;
}

/** Splits a request target: origin-form (`/a?b`) or absolute-form (`http://host/a?b`, proxy requests). */
export function splitRequestTarget(target: string): { path: string; query: string; host?: string } {
  let rest = target;
  let host: string | undefined;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(rest);
  if (absolute) {
    host = absolute[1];
    rest = rest.slice(absolute[0].length) || '/';
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  return host === undefined ? { path, query } : { path, query, host };
}

/** Query parameters in order, decoded ('+' is a space, as in forms). A key without '=' has value ''. */
export function parseQuery(query: string): [string, string][] {
  const out: [string, string][] = [];
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decode(key), decode(value)]);
  }
  return out;
}

function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Host header without its port. */
export function hostName(headers: RequestView['headers']): string {
  const host = (headers.host ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
