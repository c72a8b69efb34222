/**
 * CloudTrail Lake's SQL (a Trino subset) checked and translated to DuckDB. Pure.
 *
 * Only one read-only SELECT passes: the statement is tokenised; every table reference must be one
 * the caller may read (an event data store id, or `event_history`); every function call must be on
 * the allow list (Lake's functions, translated where DuckDB differs); statement keywords that
 * write, read files, load extensions or change settings are refused wherever they appear. The
 * DuckDB that runs the result is sandboxed as well (see query-engine.ts): this is the first wall.
 */

export class InvalidQueryError extends Error {}

type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'table' | 'symbol';
interface Token {
  kind: TokenKind;
  text: string;
}

const MAX_STATEMENT = 10_000;
const ID_TOKEN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const SYMBOLS = ['<=', '>=', '<>', '!=', '||', '=', '<', '>', '+', '-', '*', '/', '%', ',', '.', '(', ')', '[', ']', ';'];

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new InvalidQueryError('Unterminated comment.');
      i = end + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) throw new InvalidQueryError(c === "'" ? 'Unterminated string literal.' : 'Unterminated quoted identifier.');
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j];
        j++;
      }
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text });
      i = j + 1;
      continue;
    }
    const id = ID_TOKEN.exec(sql.slice(i, i + 36));
    if (id && !/[\w-]/.test(sql[i + 36] ?? ' ')) {
      tokens.push({ kind: 'table', text: id[0].toLowerCase() });
      i += 36;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i, i + 64));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 256));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => sql.startsWith(s, i));
    if (!symbol) throw new InvalidQueryStatementChar(c);
    tokens.push({ kind: 'symbol', text: symbol });
    i += symbol.length;
  }
  return tokens;
}

class InvalidQueryStatementChar extends InvalidQueryError {
  constructor(c: string) {
    super(`Unexpected character ${JSON.stringify(c)} in the query statement.`);
  }
}

/** Words of the SELECT skeleton Lake allows. */
const KEYWORDS = new Set(
  (
    'select distinct all from where group by having order asc desc nulls first last limit offset union except intersect ' +
    'left right inner outer full cross join on as and or not in is null like between case when then else end true false ' +
    'cast try_cast interval escape over partition rows range preceding following unbounded current row ' +
    'year month day hour minute second week'
  ).split(' '),
);

/** Type names (CAST targets and typed literals such as DATE '2025-01-01'). */
const TYPES = new Set('varchar bigint integer int smallint tinyint double real boolean date timestamp decimal json'.split(' '));

/** Statement words that never belong in a query, wherever they appear. */
const FORBIDDEN = new Set(
  (
    'insert update delete create drop alter copy attach detach install load set reset pragma call export import checkpoint ' +
    'vacuum use execute prepare deallocate describe show summarize truncate grant revoke merge returning into with recursive ' +
    'lateral pivot unpivot qualify sample using_sample tablesample values table'
  ).split(' '),
);

/** Lake's functions: name → DuckDB name (a builtin or one of the macros of `LAKE_MACROS`). */
const FUNCTIONS: Record<string, string> = {
  count: 'count', sum: 'sum', min: 'min', max: 'max', avg: 'avg', count_if: 'count_if', arbitrary: 'any_value',
  approx_distinct: 'approx_count_distinct', max_by: 'max_by', min_by: 'min_by', array_agg: 'list', stddev: 'stddev',
  element_at: 'cairn_element_at', cardinality: 'len', map_keys: 'map_keys', map_values: 'map_values', contains: 'list_contains',
  array_distinct: 'list_distinct', array_max: 'list_max', array_min: 'list_min', array_join: 'array_to_string', slice: 'cairn_slice',
  json_parse: 'cairn_json_parse', json_extract: 'json_extract', json_extract_scalar: 'json_extract_string', json_format: 'cairn_json_format',
  json_array_length: 'json_array_length', json_array_contains: 'cairn_json_array_contains', json_array_get: 'json_extract',
  json_size: 'cairn_json_size', is_json_scalar: 'cairn_is_json_scalar',
  now: 'cairn_now', current_timestamp: 'cairn_now', date: 'cairn_date', date_add: 'cairn_date_add', date_diff: 'date_diff',
  date_trunc: 'date_trunc', date_format: 'cairn_date_format', from_iso8601_timestamp: 'cairn_from_iso8601', to_iso8601: 'cairn_to_iso8601',
  from_unixtime: 'to_timestamp', to_unixtime: 'epoch',
  year: 'year', month: 'month', day: 'day', day_of_month: 'day', day_of_week: 'isodow', dow: 'isodow', day_of_year: 'dayofyear',
  hour: 'hour', minute: 'minute', second: 'second', week: 'week', quarter: 'quarter',
  lower: 'lower', upper: 'upper', length: 'length', substr: 'substr', substring: 'substr', trim: 'trim', ltrim: 'ltrim', rtrim: 'rtrim',
  concat: 'concat', replace: 'replace', split: 'string_split', split_part: 'split_part', strpos: 'strpos', position: 'strpos',
  starts_with: 'starts_with', reverse: 'reverse', lpad: 'lpad', rpad: 'rpad', regexp_like: 'regexp_matches', regexp_extract: 'regexp_extract',
  regexp_replace: 'regexp_replace', coalesce: 'coalesce', nullif: 'nullif', if: 'if', greatest: 'greatest', least: 'least',
  abs: 'abs', round: 'round', floor: 'floor', ceil: 'ceil', ceiling: 'ceil', mod: 'mod', power: 'power', sqrt: 'sqrt',
  row_number: 'row_number', rank: 'rank', dense_rank: 'dense_rank',
  cast: 'CAST', try_cast: 'TRY_CAST', varchar: 'varchar', decimal: 'decimal', char: 'char',
};

/** Macros that give DuckDB Trino's signatures; created in every query's sandbox before it is locked. */
export const LAKE_MACROS: readonly string[] = [
  'CREATE MACRO cairn_element_at(c, k) AS c[k]',
  'CREATE MACRO cairn_slice(a, s, n) AS list_slice(a, s, s + n - 1)',
  'CREATE MACRO cairn_json_parse(s) AS CAST(s AS JSON)',
  'CREATE MACRO cairn_json_format(j) AS CAST(j AS VARCHAR)',
  'CREATE MACRO cairn_json_array_contains(j, v) AS json_contains(CAST(j AS JSON), to_json(v))',
  'CREATE MACRO cairn_json_size(j, p) AS coalesce(json_array_length(j, p), len(json_keys(j, p)))',
  "CREATE MACRO cairn_is_json_scalar(j) AS json_type(CAST(j AS JSON)) NOT IN ('OBJECT', 'ARRAY')",
  'CREATE MACRO cairn_now() AS CAST(get_current_timestamp() AS TIMESTAMP)',
  'CREATE MACRO cairn_date(t) AS CAST(t AS DATE)',
  [
    'CREATE MACRO cairn_date_add(u, n, t) AS t + CASE lower(u)',
    "WHEN 'millisecond' THEN to_milliseconds(CAST(n AS BIGINT)) WHEN 'second' THEN to_seconds(CAST(n AS BIGINT))",
    "WHEN 'minute' THEN to_minutes(CAST(n AS BIGINT)) WHEN 'hour' THEN to_hours(CAST(n AS BIGINT))",
    "WHEN 'day' THEN to_days(CAST(n AS INTEGER)) WHEN 'week' THEN to_weeks(CAST(n AS INTEGER))",
    "WHEN 'month' THEN to_months(CAST(n AS INTEGER)) WHEN 'quarter' THEN to_months(CAST(n AS INTEGER) * 3)",
    "WHEN 'year' THEN to_years(CAST(n AS INTEGER)) END",
  ].join(' '),
  // Trino's (MySQL's) date_format specifiers that differ from strftime's: %i minutes, %s seconds.
  "CREATE MACRO cairn_date_format(t, f) AS strftime(t, replace(replace(replace(f, '%i', '%M'), '%s', '%S'), '%T', '%H:%M:%S'))",
  'CREATE MACRO cairn_from_iso8601(s) AS CAST(s AS TIMESTAMP)',
  "CREATE MACRO cairn_to_iso8601(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S.%gZ')",
];

/** Words that end a FROM list. */
const FROM_LIST_END = new Set(['where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'except', 'intersect', 'on', 'join', 'left', 'right', 'inner', 'full', 'cross', 'outer']);

export interface TranslatedQuery {
  /** The DuckDB statement, with table references replaced by the views' names. */
  sql: string;
  /** The tables (lower-cased, as the caller named them) the statement reads. */
  tables: string[];
}

/**
 * Checks `statement` and translates it. `tables` maps the names the caller may read (lower-case)
 * to the view name the sandbox will create for each. Throws InvalidQueryError.
 */
export function translateQuery(statement: string, tables: ReadonlyMap<string, string>): TranslatedQuery {
  if (statement.trim().length === 0) throw new InvalidQueryError('The query statement is empty.');
  if (statement.length > MAX_STATEMENT) throw new InvalidQueryError(`The query statement is longer than ${MAX_STATEMENT} characters.`);
  const tokens = tokenize(statement);
  while (tokens.at(-1)?.text === ';' && tokens.at(-1)?.kind === 'symbol') tokens.pop();
  if (tokens.some((t) => t.kind === 'symbol' && t.text === ';')) throw new InvalidQueryError('Only one statement may be run at a time.');
  const first = tokens.find((t) => !(t.kind === 'symbol' && t.text === '('));
  if (!first || first.kind !== 'word' || first.text.toLowerCase() !== 'select') throw new InvalidQueryError('Only SELECT statements are supported.');

  const out: string[] = [];
  const read = new Set<string>();
  // Per parenthesis depth: whether we are in a FROM list, and whether a table reference comes next.
  const fromList: boolean[] = [false];
  let expectTable = false;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    const previous = tokens[i - 1];
    const lower = t.text.toLowerCase();
    const afterDot = previous?.kind === 'symbol' && previous.text === '.';
    if (expectTable) {
      expectTable = false;
      if (t.kind === 'symbol' && t.text === '(') {
        depth++;
        fromList[depth] = false;
        out.push('(');
        continue;
      }
      const name = t.kind === 'table' || t.kind === 'quoted' || t.kind === 'word' ? lower : undefined;
      const view = name === undefined ? undefined : tables.get(name);
      if (view === undefined) {
        throw new InvalidQueryError(name === undefined ? `Expected an event data store after FROM, found ${t.text}.` : `Event data store ${t.text} does not exist or is not one you can query.`);
      }
      if (next?.kind === 'symbol' && (next.text === '.' || next.text === '(')) throw new InvalidQueryError(`${t.text} is not an event data store.`);
      read.add(name!);
      out.push(`"${view}"`);
      continue;
    }
    if (t.kind === 'table') throw new InvalidQueryError(`Event data store ${t.text} may only appear after FROM or JOIN.`);
    if (t.kind === 'string') {
      out.push(`'${t.text.replaceAll("'", "''")}'`);
      continue;
    }
    if (t.kind === 'quoted') {
      out.push(`"${t.text.replaceAll('"', '""')}"`);
      continue;
    }
    if (t.kind === 'number') {
      out.push(t.text);
      continue;
    }
    if (t.kind === 'symbol') {
      if (t.text === '(') {
        depth++;
        fromList[depth] = false;
      } else if (t.text === ')') {
        if (depth === 0) throw new InvalidQueryError('Unbalanced parentheses.');
        depth--;
      } else if (t.text === ',' && fromList[depth]) {
        expectTable = true;
      }
      out.push(t.text);
      continue;
    }
    // A word: keyword, function, column or alias.
    if (afterDot) {
      out.push(`"${t.text}"`);
      continue;
    }
    if (FORBIDDEN.has(lower)) throw new InvalidQueryError(`${t.text.toUpperCase()} is not allowed: only SELECT queries over event data stores are supported.`);
    const isCall = next?.kind === 'symbol' && next.text === '(';
    if (isCall) {
      const fn = FUNCTIONS[lower];
      if (fn !== undefined) out.push(fn);
      else if (KEYWORDS.has(lower) && lower !== 'from' && lower !== 'join') out.push(t.text.toUpperCase());
      else if (lower !== 'from' && lower !== 'join') throw new InvalidQueryError(`Function ${t.text} is not supported.`);
      if (lower !== 'from' && lower !== 'join') continue;
    }
    if (lower === 'current_timestamp') {
      out.push('cairn_now()');
      continue;
    }
    if (lower === 'from' || lower === 'join') {
      expectTable = true;
      if (lower === 'from') fromList[depth] = true;
      out.push(t.text.toUpperCase());
      continue;
    }
    if (FROM_LIST_END.has(lower)) fromList[depth] = false;
    out.push(KEYWORDS.has(lower) || TYPES.has(lower) ? t.text.toUpperCase() : `"${t.text}"`);
  }
  if (expectTable) throw new InvalidQueryError('Expected an event data store after FROM.');
  if (depth !== 0) throw new InvalidQueryError('Unbalanced parentheses.');
  if (read.size === 0) throw new InvalidQueryError('The query must read from an event data store.');
  return { sql: out.join(' '), tables: [...read] };
}
