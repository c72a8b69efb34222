/** The Query page's pure parts: result rows, CSV, the table in the SQL, and the history it keeps. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEntry } from '../../console/src/lake-query.js';
import { formatBytes, HISTORY_LIMIT, mergeHistory, parseHistory, remember, resultsCsv, sampleForTable, switchTable, toResultPage } from '../../console/src/lake-query.js';
import { parseCsv } from './console-browser.js';

const entry = (queryId: string, createdAt: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({ queryId, sql: `SELECT ${queryId}`, table: 'event_history', status: 'FINISHED', createdAt, ...extra });

void describe('query results', () => {
  void it('takes the columns from the first row, in the SELECT order, and keeps them for later pages', () => {
    const first = toResultPage([
      [{ eventName: 'RunInstances' }, { n: '3' }],
      [{ eventName: 'AssumeRole' }, { n: '2' }],
    ]);
    assert.deepEqual(first, { columns: ['eventName', 'n'], rows: [['RunInstances', '3'], ['AssumeRole', '2']] });
    // A later page is read by the known columns, whatever order its cells come in.
    assert.deepEqual(toResultPage([[{ n: '1' }, { eventName: 'ListBuckets' }]], first.columns).rows, [['ListBuckets', '1']]);
    assert.deepEqual(toResultPage([]), { columns: [], rows: [] });
  });

  void it('writes CSV that reads back to the same cells (quotes, commas, new lines)', () => {
    const columns = ['name', 'note'];
    const rows = [
      ['a,b', 'say "hi"'],
      ['line\nbreak', ''],
      ['plain', 'x'],
    ];
    const csv = resultsCsv(columns, rows);
    assert.ok(csv.startsWith('name,note\r\n"a,b","say ""hi"""\r\n'));
    assert.deepEqual(parseCsv(csv), [columns, ...rows]);
  });

  void it('formats bytes as people read them', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
  });
});

void describe('the table in the SQL', () => {
  const store = 'aa5fc738-9cfc-4aa0-9fdc-22d886f28cf4';

  void it('puts the chosen table where a sample query has $EDS_ID', () => {
    assert.equal(sampleForTable('SELECT a FROM $EDS_ID a JOIN $EDS_ID b ON a.x = b.x', 'event_history'), 'SELECT a FROM event_history a JOIN event_history b ON a.x = b.x');
  });

  void it('replaces the previous table as a whole word, in any case; undefined when the SQL does not name it', () => {
    assert.equal(switchTable('SELECT * FROM event_history WHERE x = 1', 'event_history', store), `SELECT * FROM ${store} WHERE x = 1`);
    assert.equal(switchTable(`select * from ${store.toUpperCase()}`, store, 'event_history'), 'select * from event_history');
    // Part of a longer word is not the table.
    assert.equal(switchTable('SELECT event_history_count FROM t', 'event_history', store), undefined);
    assert.equal(switchTable('SELECT 1', 'event_history', store), undefined);
    assert.equal(switchTable('SELECT * FROM event_history', 'event_history', 'event_history'), undefined);
  });
});

void describe('query history', () => {
  void it('keeps one entry per query, newest first, at most the limit', () => {
    let history: HistoryEntry[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = remember(history, entry(`q${i}`, i));
    assert.equal(history.length, HISTORY_LIMIT);
    assert.equal(history[0]?.queryId, `q${HISTORY_LIMIT + 4}`);
    history = remember(history, entry('q10', 10, { status: 'CANCELLED' }));
    assert.equal(history.filter((h) => h.queryId === 'q10').length, 1);
    assert.equal(history.find((h) => h.queryId === 'q10')?.status, 'CANCELLED');
  });

  void it('merges the server list with this browser: our SQL, their latest status, newest first', () => {
    const local = [entry('a', 30, { status: 'RUNNING' }), entry('b', 10)];
    const server = [entry('a', 30, { sql: '', status: 'FINISHED' }), entry('c', 20, { sql: 'SELECT c2', table: 'store' })];
    assert.deepEqual(mergeHistory(local, server), [entry('a', 30, { status: 'FINISHED' }), entry('c', 20, { sql: 'SELECT c2', table: 'store' }), entry('b', 10)]);
  });

  void it('reads stored history, dropping what is malformed', () => {
    assert.deepEqual(parseHistory(null), []);
    assert.deepEqual(parseHistory('not json'), []);
    assert.deepEqual(parseHistory('{"a":1}'), []);
    const good = entry('q', 5);
    assert.deepEqual(parseHistory(JSON.stringify([good, { ...good, status: 'DONE' }, { queryId: 1 }, null])), [good]);
  });
});
