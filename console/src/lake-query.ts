/** The Query page's pure parts: result rows, CSV, tables in SQL, and this browser's query history. */

/** Beyond AWS: the whole event history, queryable without creating an event data store. */
export const EVENT_HISTORY_TABLE = 'event_history';
/** What AWS's sample queries (and Cairn's) write where the event data store id goes. */
export const SAMPLE_TABLE_PLACEHOLDER = '$EDS_ID';

export type QueryStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

export function isActive(status: QueryStatus | undefined): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/** GetQueryResults' rows: each row a list of one-key objects, column → value, in column order. */
export type WireRow = Record<string, string>[];

export interface ResultPage {
  columns: string[];
  rows: string[][];
}

/** Flattens wire rows into columns (from the first row, as the order is the SELECT's) and values. */
export function toResultPage(wire: readonly WireRow[], known: readonly string[] = []): ResultPage {
  const columns = known.length > 0 ? [...known] : (wire[0] ?? []).map((cell) => Object.keys(cell)[0] ?? '');
  const rows = wire.map((row) => {
    const byName = new Map(row.map((cell) => Object.entries(cell)[0] ?? ['', '']));
    return columns.map((c) => byName.get(c) ?? '');
  });
  return { columns, rows };
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 CSV: a header of the column names, then one line per row. */
export function resultsCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [columns.map(csvCell).join(','), ...rows.map((row) => row.map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** A sample query's SQL for the chosen table: its placeholder replaced by the table's name or id. */
export function sampleForTable(sql: string, table: string): string {
  return sql.split(SAMPLE_TABLE_PLACEHOLDER).join(table);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The SQL after choosing another table: where the previous table is named (as a whole word, any
 * case) the new one takes its place; `undefined` when the SQL does not name it, so the caller can
 * insert the new name at the cursor instead.
 */
export function switchTable(sql: string, previous: string, next: string): string | undefined {
  if (previous === '' || previous === next) return undefined;
  const word = new RegExp(`(?<![\\w$-])${escapeRegExp(previous)}(?![\\w-])`, 'gi');
  return word.test(sql) ? sql.replace(word, next) : undefined;
}

/** One query this browser ran (or found through ListQueries), as the history lists it. */
export interface HistoryEntry {
  queryId: string;
  sql: string;
  /** The table chosen when it ran (event_history or a store id). */
  table: string;
  status: QueryStatus;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** The history kept in this browser: newest first, at most this many. */
export const HISTORY_LIMIT = 50;

/** Adds or updates one entry (by query id), newest first, trimmed to the limit. */
export function remember(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const others = history.filter((h) => h.queryId !== entry.queryId);
  return [entry, ...others].sort((a, b) => b.createdAt - a.createdAt).slice(0, HISTORY_LIMIT);
}

/** This browser's entries and the server's (ListQueries), one per query id, newest first; ours win (they hold the SQL). */
export function mergeHistory(local: readonly HistoryEntry[], server: readonly HistoryEntry[]): HistoryEntry[] {
  const byId = new Map<string, HistoryEntry>();
  for (const entry of server) byId.set(entry.queryId, entry);
  for (const entry of local) {
    const theirs = byId.get(entry.queryId);
    // The server knows the latest status (a query may have finished after this browser left).
    byId.set(entry.queryId, theirs ? { ...entry, status: theirs.status } : entry);
  }
  return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt);
}

const STATUSES = new Set<string>(['QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/** Reads stored history, dropping anything malformed (another version of the app, a hand edit). */
export function parseHistory(text: string | null): HistoryEntry[] {
  if (!text) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is HistoryEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as HistoryEntry).queryId === 'string' &&
      typeof (e as HistoryEntry).sql === 'string' &&
      typeof (e as HistoryEntry).table === 'string' &&
      typeof (e as HistoryEntry).createdAt === 'number' &&
      STATUSES.has((e as HistoryEntry).status),
  );
}

/** Bytes as people read them (1,536 → "1.5 KB"). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
