/**
 * Query-protocol parameters (`Tags.member.1.Key=k`, `Filter.1.Value.1=v`, `Attributes.entry.1.key=k`)
 * as nested values: numbered segments become arrays, `member` wrappers vanish, `entry` key/value
 * pairs become maps. Names stay as they were sent.
 */
export function decodeForm(params: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const path = key.split('.').filter((segment, i, all) => !(segment === 'member' && /^\d+$/.test(all[i + 1] ?? '')));
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = /^\d+$/.test(path[i + 1] ?? '');
      const slot = Array.isArray(node) && /^\d+$/.test(segment) ? Number(segment) - 1 : segment;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
        return;
      }
      let nextNode = container[slot];
      if (nextNode === undefined || typeof nextNode !== 'object' || nextNode === null) {
        nextNode = nextIsIndex ? [] : {};
        container[slot] = nextNode;
      }
      node = nextNode as Record<string, unknown> | unknown[];
    });
  }
  return compact(root) as Record<string, unknown>;
}

function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const entries = record.entry;
  if (Object.keys(record).length === 1 && Array.isArray(entries)) {
    const map: Record<string, unknown> = {};
    for (const e of entries as { key?: unknown; value?: unknown; Name?: unknown; Value?: unknown }[]) {
      const k = e?.key ?? e?.Name;
      if (typeof k === 'string') map[k] = compact(e.value ?? e.Value);
    }
    return map;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = compact(v);
  return out;
}
