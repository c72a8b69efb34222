import type { OperationRouting } from '../api/index.js';
import { parseQuery } from './request-view.js';

/** A REST operation's request URI template, compiled for matching. */
export interface CompiledTemplate {
  operation: string;
  method: string;
  pattern: RegExp;
  labels: string[];
  /** Literal query keys the template requires, with their values ('' when any value goes). */
  query: [string, string][];
  /** Headers that must be present (CopyObject's x-amz-copy-source). */
  headers: string[];
  /** Higher wins among matches: literal path characters, then literal query keys. */
  score: number;
}

/** `x-id=GetObject` style literals are hints some clients leave out; they never make a match fail. */
const HINT_KEYS = new Set(['x-id']);

export function compileTemplate(operation: string, routing: OperationRouting): CompiledTemplate {
  const q = routing.u.indexOf('?');
  const path = q < 0 ? routing.u : routing.u.slice(0, q);
  const query = q < 0 ? [] : parseQuery(routing.u.slice(q + 1));
  const labels: string[] = [];
  let literal = 0;
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const label = /^\{([^}+]+)(\+?)\}$/.exec(part);
      if (!label) {
        literal += part.length;
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      labels.push(label[1]!);
      return label[2] ? '(.+)' : '([^/]+)';
    })
    .join('');
  // A trailing slash is optional (clients differ on `/bucket` vs `/bucket/`).
  const pattern = new RegExp(`^${source.replace(/\/$/, '')}/?$`);
  for (const name of routing.q ?? []) if (!query.some(([key]) => key === name)) query.push([name, '']);
  const required = query.filter(([key]) => !HINT_KEYS.has(key));
  const headers = routing.h ?? [];
  return { operation, method: routing.m, pattern, labels, query, headers, score: literal * 16 + required.length + headers.length };
}

export interface RestMatch {
  operation: string;
  /** URI label values, decoded. */
  labels: Record<string, string>;
}

/** The best-scoring template for a method, path and query; undefined when none applies. */
export function matchRest(
  templates: readonly CompiledTemplate[],
  method: string,
  path: string,
  query: string,
  headers: Readonly<Record<string, string | undefined>>,
): RestMatch | undefined {
  const params = new Map(parseQuery(query));
  let best: { template: CompiledTemplate; match: RegExpExecArray; score: number } | undefined;
  for (const template of templates) {
    if (template.method !== method) continue;
    const match = template.pattern.exec(path);
    if (!match) continue;
    let score = template.score;
    let fits = template.headers.every((name) => headers[name] !== undefined);
    for (const [key, value] of template.query) {
      const given = params.get(key);
      if (HINT_KEYS.has(key)) {
        if (given !== undefined && given !== value) fits = false;
        else if (given !== undefined) score += 1_000_000;
        continue;
      }
      if (given === undefined || (value !== '' && given !== value)) fits = false;
    }
    if (fits && (!best || score > best.score)) best = { template, match, score };
  }
  if (!best) return undefined;
  const labels: Record<string, string> = {};
  best.template.labels.forEach((name, i) => {
    labels[name] = safeDecode(best.match[i + 1] ?? '');
  });
  return { operation: best.template.operation, labels };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
