/**
 * The console's Query page (CloudTrail Lake) end to end: Debian's Chromium against a real
 * `cairn serve` holding imported real events. What the page shows is compared with what the
 * CloudTrail API answers through @aws-sdk/client-cloudtrail for the same SQL.
 *
 * The console records its own calls (StartQuery, DescribeQuery, ...) as events, which land in
 * event_history too: the queries compared leave out cloudtrail.amazonaws.com and sign-in events,
 * so the page's run and the test's run read the same events.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CloudTrailServiceException, CreateEventDataStoreCommand, DescribeQueryCommand, ListQueriesCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';
import type { Page } from 'playwright-core';
import { allRows, runQuery } from '../lake/support.js';
import type { ConsoleBrowser } from './console-browser.js';
import { chromiumMissing, eventually, openBrowser, parseCsv, QueryEditorPage, shoot, SignInPage, ui } from './console-browser.js';
import type { ConsoleServer } from './setup.js';
import { REAL_REGION, startConsoleServer } from './setup.js';

const skip = chromiumMissing();
/** The events the tests' own activity does not change. */
const STABLE = "eventSource <> 'cloudtrail.amazonaws.com' AND eventSource <> 'signin.amazonaws.com'";
const TOP_NAMES = `SELECT eventName, COUNT(*) AS n FROM event_history WHERE ${STABLE} GROUP BY eventName ORDER BY n DESC, eventName LIMIT 5`;
const EVERY_ID = `SELECT eventID, eventName FROM event_history WHERE ${STABLE} ORDER BY eventID`;
/** A three-way join with inequalities: about ten seconds of DuckDB over the fixtures, long enough to cancel. */
const SLOW = 'SELECT COUNT(*) AS n FROM event_history a JOIN event_history b ON a.eventName <> b.eventName JOIN event_history c ON b.eventID <> c.eventID WHERE a.eventTime < c.eventTime';

/** The rows of an API result as lists of cells in the order of `columns`. */
function cells(rows: readonly Record<string, string>[], columns: readonly string[]): string[][] {
  return rows.map((row) => columns.map((c) => row[c] ?? ''));
}

void describe('console Query page in Chromium', { skip }, () => {
  let server: ConsoleServer;
  let b: ConsoleBrowser;
  let page: Page;
  let query: QueryEditorPage;
  let base: string;
  let storeId: string;

  before(async () => {
    server = await startConsoleServer();
    const created = await server.client(REAL_REGION).send(new CreateEventDataStoreCommand({ Name: 'console-store', TerminationProtectionEnabled: false }));
    storeId = created.EventDataStoreArn!.split('/').pop()!;
    b = await openBrowser();
    page = b.page;
    query = new QueryEditorPage(page);
    base = `${server.cairn.url}/console`;
    await page.goto(`${base}/events`);
    await new SignInPage(page).signIn(server.alice.accessKeyId, server.alice.secretAccessKey, REAL_REGION);
    await page.locator(ui.findTopNavigation().toSelector()).waitFor();
  });

  after(async () => {
    await b?.close();
    await server?.cairn.dispose();
  });

  void it('runs SQL typed in the editor with Ctrl+Enter: the rows and statistics the API gives', async () => {
    await page.locator(ui.findSideNavigation().findLinkByHref('/console/query').toSelector()).click();
    await query.editor().waitFor();
    await query.type(TOP_NAMES);
    assert.equal(await query.sql(), TOP_NAMES);
    // Highlighted: CodeMirror marks keywords and strings with their own spans.
    assert.ok((await page.locator('[data-testid=sql-editor] .cm-line span').count()) > 5, 'the SQL is highlighted');
    await page.keyboard.press('Control+Enter');
    const queryId = await query.waitForQuery('Finished', () => true);
    const expected = await runQuery(server.client(REAL_REGION), TOP_NAMES);
    assert.equal(expected.length, 5);
    assert.deepEqual(await eventually(() => query.resultRows(), (r) => r.length === 5, 'five rows'), cells(expected, ['eventName', 'n']));
    assert.deepEqual(await query.columnHeaders(), ['eventName', 'n']);
    // The statistics are DescribeQuery's for the query the page ran.
    const described = await server.client(REAL_REGION).send(new DescribeQueryCommand({ QueryId: queryId }));
    assert.equal(described.QueryString, TOP_NAMES);
    assert.equal(described.QueryStatus, 'FINISHED');
    assert.equal(await query.statistic('Events matched'), (described.QueryStatistics?.EventsMatched ?? -1).toLocaleString('en-US'));
    assert.equal(await query.statistic('Events scanned'), (described.QueryStatistics?.EventsScanned ?? -1).toLocaleString('en-US'));
    await shoot(page, '10-query');
  });

  void it('leaves the editor with Tab: the keyboard is never trapped', async () => {
    await query.editor().click();
    assert.equal(await page.locator('[data-testid=sql-editor]:focus-within').count(), 1);
    await page.keyboard.press('Tab');
    assert.equal(await page.locator('[data-testid=sql-editor]:focus-within').count(), 0, 'Tab left the editor');
    assert.equal(await page.locator(':focus').count(), 1, 'and focused the next control');
    assert.equal(await query.editor().getAttribute('aria-label'), 'SQL query editor. Control+Enter runs the query.');
  });

  void it('shows an invalid statement in an error flashbar, as the API rejects it', async () => {
    const bad = 'SELECT eventName FROM no_such_table';
    let code = '';
    await server
      .client(REAL_REGION)
      .send(new StartQueryCommand({ QueryStatement: bad }))
      .catch((error: unknown) => {
        assert.ok(error instanceof CloudTrailServiceException);
        code = error.name;
      });
    assert.equal(code, 'InvalidQueryStatementException');
    await query.paste(bad);
    await query.run();
    const flash = await eventually(() => query.flashes(), (f) => f.some((t) => t.includes(code)), 'the error flash');
    assert.ok(flash.some((t) => t.includes('The query did not start')));
    // The last query's results stay.
    assert.equal((await query.resultRows()).length, 5);
  });

  void it('pages through the results with GetQueryResults and exports every page as CSV', async () => {
    const before = await query.queryId();
    await query.paste(EVERY_ID);
    await query.run();
    await query.waitForQuery('Finished', (id) => id !== before);
    const expected = cells(await runQuery(server.client(REAL_REGION), EVERY_ID), ['eventID', 'eventName']);
    assert.ok(expected.length > 150, `enough rows for three pages (${expected.length})`);
    const seen: string[][] = [];
    const next = page.locator(query.results.findPagination().findNextPageButton().toSelector());
    for (let pageNo = 1; pageNo <= 3; pageNo++) {
      await eventually(() => page.locator(query.results.findPagination().findCurrentPage().toSelector()).innerText(), (t) => t.trim() === String(pageNo), `results page ${pageNo}`);
      seen.push(...(await query.resultRows()));
      await next.click();
    }
    assert.deepEqual(seen, expected.slice(0, 150));
    const downloading = page.waitForEvent('download');
    await page.locator(ui.findButton('[data-testid=export-csv]').toSelector()).click();
    const csv = parseCsv(readFileSync(await (await downloading).path(), 'utf8'));
    assert.deepEqual(csv, [['eventID', 'eventName'], ...expected]);
  });

  void it('searches the sample queries and loads one for the chosen table', async () => {
    await query.openTab('samples');
    await page.locator(query.samples.findRows().toSelector()).first().waitFor();
    const all = await page.locator(query.samples.findRows().toSelector()).count();
    await page.getByLabel('Search sample queries').fill('event source');
    // SearchSampleQueries ranks by relevance: the sample named for it comes first, and fewer match.
    const first = await eventually(() => page.locator(query.samples.findRows().toSelector()).first().innerText(), (t) => t.startsWith('API calls by event source'), 'the best match first');
    assert.match(first, /Counts API calls per AWS service/);
    assert.ok((await page.locator(query.samples.findRows().toSelector()).count()) <= all);
    const sample = page.getByRole('button', { name: 'Load sample query API calls by event source into the editor' });
    await sample.waitFor();
    await page.locator(query.tabs.toSelector()).scrollIntoViewIfNeeded();
    await shoot(page, '11-query-samples');
    await sample.click();
    const sql = await eventually(() => query.sql(), (s) => s.includes('eventSource'), 'the sample in the editor');
    assert.equal(sql, 'SELECT eventSource, COUNT(*) AS apiCount FROM event_history GROUP BY eventSource ORDER BY apiCount DESC');
    // Another table: the store's id takes event_history's place.
    const select = ui.findSelect('[data-testid=query-table]');
    await page.locator(select.findTrigger().toSelector()).click();
    await page.locator(select.findDropdown().findOptionByValue(storeId).toSelector()).click();
    assert.equal(await eventually(() => query.sql(), (s) => s.includes(storeId), 'the store in the editor'), `SELECT eventSource, COUNT(*) AS apiCount FROM ${storeId} GROUP BY eventSource ORDER BY apiCount DESC`);
    // The store holds what was logged since it was created (the console's own calls among them).
    await eventually(() => runQuery(server.client(REAL_REGION), `SELECT COUNT(*) AS n FROM ${storeId}`), (rows) => Number(rows[0]?.n) > 0, 'events in the store', 30_000);
    const before = await query.queryId();
    await query.run();
    const queryId = await query.waitForQuery('Finished', (id) => id !== before);
    const listed = await server.client(REAL_REGION).send(new ListQueriesCommand({ EventDataStore: storeId }));
    assert.ok(listed.Queries?.some((q) => q.QueryId === queryId), 'ListQueries of the store holds the query the page ran');
    const expected = cells(await allRows(server.client(REAL_REGION), queryId), ['eventSource', 'apiCount']);
    assert.ok(expected.length > 0);
    assert.deepEqual(await eventually(() => query.resultRows(), (r) => r.length === expected.length, 'the store query rows'), expected);
    assert.deepEqual(await query.columnHeaders(), ['eventSource', 'apiCount']);
  });

  void it('lists past queries, also after a reload, and opens one with its SQL and results', async () => {
    await page.reload();
    await query.editor().waitFor();
    await query.openTab('history');
    const rows = page.locator(query.history.findRows().toSelector());
    await rows.first().waitFor();
    const texts = await rows.allInnerTexts();
    assert.ok(texts.some((t) => t.includes(TOP_NAMES)), 'the first query is listed');
    assert.ok(texts.some((t) => t.includes('console-store') && t.includes(`FROM ${storeId}`)), 'the store query is listed under the store name');
    const entry = page.getByRole('button', { name: new RegExp(`^Open query [0-9a-f-]+: ${TOP_NAMES.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
    const entryId = /^Open query ([0-9a-f-]+):/.exec((await entry.getAttribute('aria-label')) ?? '')?.[1];
    assert.ok(entryId);
    await entry.click();
    assert.equal(await eventually(() => query.sql(), (s) => s === TOP_NAMES, 'the SQL back in the editor'), TOP_NAMES);
    await query.waitForQuery('Finished', (id) => id === entryId);
    await query.openTab('results');
    const expected = cells(await runQuery(server.client(REAL_REGION), TOP_NAMES), ['eventName', 'n']);
    assert.deepEqual(await eventually(() => query.resultRows(), (r) => r.length === 5, 'the results again'), expected);
    await query.openTab('history');
    await shoot(page, '12-query-history');
  });

  void it('cancels a long query: CancelQuery, and the API says CANCELLED', async () => {
    const before = await query.queryId();
    await query.paste(SLOW);
    await query.run();
    const queryId = await query.waitForQuery('Running', (id) => id !== before);
    await query.cancel();
    await query.waitForQuery('Cancelled', (id) => id === queryId);
    const described = await server.client(REAL_REGION).send(new DescribeQueryCommand({ QueryId: queryId }));
    assert.equal(described.QueryStatus, 'CANCELLED');
    assert.ok((await query.flashes()).some((t) => t.includes('Query cancelled')));
    assert.deepEqual(await allRows(server.client(REAL_REGION), queryId), [], 'a cancelled query has no results');
  });
});
