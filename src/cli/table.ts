/** A plain aligned table of events for terminals (`--output table`). */
export function renderTable(events: Record<string, unknown>[]): string {
  const columns = ['EventTime', 'EventName', 'Username', 'EventSource', 'ReadOnly', 'Resources', 'EventId'];
  const rows = events.map((e) => [
    typeof e.EventTime === 'number' ? new Date(e.EventTime * 1000).toISOString().replace('.000Z', 'Z') : '',
    str(e.EventName),
    str(e.Username),
    str(e.EventSource),
    str(e.ReadOnly),
    Array.isArray(e.Resources) ? (e.Resources as { ResourceName?: string }[]).map((r) => r.ResourceName ?? '').join(' ') : '',
    str(e.EventId),
  ]);
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]): string => cells.map((c, i) => fit(c, widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), `(${events.length} events)`, ''].join('\n');
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function fit(text: string, width: number): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width);
}
