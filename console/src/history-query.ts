import type { DateRangePickerProps } from '@cloudscape-design/components/date-range-picker';
import type { PropertyFilterProps } from '@cloudscape-design/components/property-filter';

/** The eight lookup attributes, as the property filter names them. */
export const LOOKUP_ATTRIBUTES = [
  { key: 'EventName', label: 'Event name' },
  { key: 'EventSource', label: 'Event source' },
  { key: 'Username', label: 'User name' },
  { key: 'ResourceType', label: 'Resource type' },
  { key: 'ResourceName', label: 'Resource name' },
  { key: 'AccessKeyId', label: 'AWS access key' },
  { key: 'EventId', label: 'Event ID' },
  { key: 'ReadOnly', label: 'Read-only' },
] as const;
const KEYS = new Set<string>(LOOKUP_ATTRIBUTES.map((a) => a.key));

/** What event history shows, as it lives in the URL (so a view can be shared). */
export interface HistoryView {
  filters: { key: string; value: string }[];
  range: DateRangePickerProps.Value | null;
  hideReadOnly: boolean;
}

const UNITS = new Set(['second', 'minute', 'hour', 'day', 'week', 'month', 'year']);

export function viewFromSearch(search: URLSearchParams): HistoryView {
  const filters = search
    .getAll('filter')
    .map((f) => {
      const at = f.indexOf(':');
      return { key: f.slice(0, at), value: f.slice(at + 1) };
    })
    .filter((f) => KEYS.has(f.key) && f.value !== '');
  let range: DateRangePickerProps.Value | null = null;
  const last = /^(\d+)-(\w+)$/.exec(search.get('last') ?? '');
  if (last && UNITS.has(last[2] ?? '')) range = { type: 'relative', amount: Number(last[1]), unit: last[2] as DateRangePickerProps.TimeUnit };
  const start = search.get('start');
  const end = search.get('end');
  if (start && end && !Number.isNaN(Date.parse(start)) && !Number.isNaN(Date.parse(end))) range = { type: 'absolute', startDate: start, endDate: end };
  return { filters, range, hideReadOnly: search.get('readOnly') === 'hide' };
}

export function searchFromView(view: HistoryView): URLSearchParams {
  const search = new URLSearchParams();
  for (const f of view.filters) search.append('filter', `${f.key}:${f.value}`);
  if (view.range?.type === 'relative') search.set('last', `${view.range.amount}-${view.range.unit}`);
  if (view.range?.type === 'absolute') {
    search.set('start', view.range.startDate);
    search.set('end', view.range.endDate);
  }
  if (view.hideReadOnly) search.set('readOnly', 'hide');
  return search;
}

export function queryFromView(view: HistoryView): PropertyFilterProps.Query {
  return { operation: 'and', tokens: view.filters.map((f) => ({ propertyKey: f.key, operator: '=', value: f.value })) };
}

export function filtersFromQuery(query: PropertyFilterProps.Query): HistoryView['filters'] {
  const out: HistoryView['filters'] = [];
  for (const token of query.tokens) {
    if (token.propertyKey && KEYS.has(token.propertyKey) && typeof token.value === 'string' && token.value !== '') out.push({ key: token.propertyKey, value: token.value });
  }
  return out;
}

const UNIT_MS: Record<string, number> = { second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5, month: 2592e6, year: 31536e6 };

/** SearchEvents input for a view: every condition at once, the time range in epoch seconds. */
export function searchInput(view: HistoryView, now: number): Record<string, unknown> {
  const attributes = view.filters.map((f) => ({ AttributeKey: f.key, AttributeValue: f.value }));
  if (view.hideReadOnly && !view.filters.some((f) => f.key === 'ReadOnly')) attributes.push({ AttributeKey: 'ReadOnly', AttributeValue: 'false' });
  const input: Record<string, unknown> = { LookupAttributes: attributes };
  if (view.range?.type === 'relative') {
    input.StartTime = Math.floor((now - view.range.amount * (UNIT_MS[view.range.unit] ?? 0)) / 1000);
  } else if (view.range?.type === 'absolute') {
    input.StartTime = Math.floor(Date.parse(view.range.startDate) / 1000);
    input.EndTime = Math.floor(Date.parse(view.range.endDate) / 1000);
  }
  return input;
}
