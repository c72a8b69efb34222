import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import type { ReactNode } from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../api';
import { downloadFile } from '../events';
import { QueryHistory, QueryStatusIndicator } from '../components/query-history';
import type { SampleQuery } from '../components/sample-queries';
import { SampleQueries } from '../components/sample-queries';
import { Shell } from '../components/shell';
import type { SqlEditorHandle } from '../components/sql-editor';
import { SqlEditor } from '../components/sql-editor';
import { useFlash } from '../flash';
import type { HistoryEntry, QueryStatus, WireRow } from '../lake-query';
import { EVENT_HISTORY_TABLE, formatBytes, isActive, mergeHistory, parseHistory, remember, resultsCsv, sampleForTable, switchTable, toResultPage } from '../lake-query';
import { preferenceKey, useSession } from '../session';

const PAGE_SIZE = 50;
/** The CSV export walks the results a thousand rows at a time, up to this many. */
const EXPORT_CAP = 100_000;
/** Past queries asked of the server per event data store. */
const SERVER_HISTORY_PER_STORE = 25;
const FIRST_SQL = 'SELECT eventTime, eventSource, eventName, sourceIPAddress\nFROM event_history\nORDER BY eventTime DESC\nLIMIT 25';

interface Store {
  EventDataStoreArn: string;
  Name: string;
  Status?: string;
}

interface Described {
  QueryId: string;
  QueryString?: string;
  QueryStatus: QueryStatus;
  QueryStatistics?: { EventsMatched?: number; EventsScanned?: number; BytesScanned?: number; ExecutionTimeInMillis?: number; CreationTime?: number };
  ErrorMessage?: string;
}

interface ResultsOutput {
  QueryResultRows?: WireRow[];
  NextToken?: string;
  QueryStatistics?: { TotalResultsCount?: number };
}

interface Results {
  queryId: string;
  columns: string[];
  pages: string[][][];
  nextToken: string | undefined;
  total: number;
}

const storeId = (arn: string): string => arn.split('/').pop() ?? arn;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** CloudTrail Lake's query editor: SQL over event_history or an event data store, its results, samples and history. */
export function QueryPage(): ReactNode {
  const flash = useFlash();
  const session = useSession();
  const editor = useRef<SqlEditorHandle>(null);
  const storageKey = preferenceKey(session, `query-history.${session.accountId}.${session.region}`);
  const [sql, setSql] = useState(FIRST_SQL);
  const [table, setTable] = useState(EVENT_HISTORY_TABLE);
  const [stores, setStores] = useState<Store[]>([]);
  const [current, setCurrent] = useState<Described | undefined>();
  const [starting, setStarting] = useState(false);
  const [results, setResults] = useState<Results | undefined>();
  const [pageIndex, setPageIndex] = useState(1);
  const [loadingResults, setLoadingResults] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [tab, setTab] = useState('results');
  const [local, setLocal] = useState<HistoryEntry[]>(() => parseHistory(window.localStorage.getItem(storageKey)));
  const [server, setServer] = useState<HistoryEntry[]>([]);
  const [loadingHistory, setLoadingHistory] = useState(false);
  // Each watched query bumps this; an older watcher stops when it sees a newer one.
  const generation = useRef(0);

  const running = starting || isActive(current?.QueryStatus);
  const history = useMemo(() => mergeHistory(local, server), [local, server]);
  const tableLabel = (id: string): string => (id === EVENT_HISTORY_TABLE ? id : (stores.find((s) => storeId(s.EventDataStoreArn) === id)?.Name ?? id));

  const rememberLocally = (entry: HistoryEntry): void => {
    setLocal((list) => {
      const next = remember(list, entry);
      window.localStorage.setItem(storageKey, JSON.stringify(next));
      return next;
    });
  };

  const loadServerHistory = async (known: Store[]): Promise<void> => {
    setLoadingHistory(true);
    try {
      const found: HistoryEntry[] = [];
      for (const store of known) {
        const id = storeId(store.EventDataStoreArn);
        const out = await api.call<{ Queries?: { QueryId: string; QueryStatus: QueryStatus; CreationTime: number }[] }>('ListQueries', { EventDataStore: id, MaxResults: SERVER_HISTORY_PER_STORE });
        for (const q of out.Queries ?? []) {
          // ListQueries gives no SQL: this browser may know it, else DescribeQuery does.
          const sqlText = local.find((l) => l.queryId === q.QueryId)?.sql ?? (await api.call<Described>('DescribeQuery', { QueryId: q.QueryId })).QueryString ?? '';
          found.push({ queryId: q.QueryId, sql: sqlText, table: id, status: q.QueryStatus, createdAt: q.CreationTime * 1000 });
        }
      }
      setServer(found);
    } catch (error) {
      flash.error('Could not list past queries', error);
    } finally {
      setLoadingHistory(false);
    }
  };

  useEffect(() => {
    api
      .call<{ EventDataStores?: Store[] }>('ListEventDataStores', { MaxResults: 1000 })
      .then((out) => {
        const list = (out.EventDataStores ?? []).filter((s) => s.Status !== 'PENDING_DELETION');
        setStores(list);
        return loadServerHistory(list);
      })
      .catch((e: unknown) => flash.error('Could not list event data stores', e));
    return () => {
      generation.current++;
    };
  }, []);

  const loadResults = async (queryId: string, token: string | undefined, known: readonly string[]): Promise<void> => {
    setLoadingResults(true);
    try {
      const out = await api.call<ResultsOutput>('GetQueryResults', { QueryId: queryId, MaxQueryResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) });
      const page = toResultPage(out.QueryResultRows ?? [], known);
      setResults((previous) => {
        const pages = token && previous?.queryId === queryId ? [...previous.pages, page.rows] : [page.rows];
        return { queryId, columns: page.columns, pages, nextToken: out.NextToken, total: out.QueryStatistics?.TotalResultsCount ?? page.rows.length };
      });
    } catch (error) {
      flash.error('Could not read the query results', error);
    } finally {
      setLoadingResults(false);
    }
  };

  /** Polls DescribeQuery until the query ends, then shows its results or its error. */
  const watch = async (queryId: string, tableId: string): Promise<void> => {
    const mine = ++generation.current;
    setResults(undefined);
    setPageIndex(1);
    let delay = 200;
    try {
      for (;;) {
        const described = await api.call<Described>('DescribeQuery', { QueryId: queryId });
        if (mine !== generation.current) return;
        setCurrent(described);
        const createdAt = (described.QueryStatistics?.CreationTime ?? Date.now() / 1000) * 1000;
        rememberLocally({ queryId, sql: described.QueryString ?? '', table: tableId, status: described.QueryStatus, createdAt });
        if (!isActive(described.QueryStatus)) {
          if (described.QueryStatus === 'FINISHED') {
            setTab('results');
            await loadResults(queryId, undefined, []);
          } else if (described.QueryStatus === 'CANCELLED') {
            flash.push({ type: 'info', header: 'Query cancelled', content: `Query ${queryId} was cancelled.` });
          } else {
            flash.push({ type: 'error', header: described.QueryStatus === 'TIMED_OUT' ? 'The query timed out' : 'The query failed', content: described.ErrorMessage ?? `Query ${queryId} ended ${described.QueryStatus}.` });
          }
          return;
        }
        await sleep(delay);
        delay = Math.min(delay * 1.5, 2000);
        if (mine !== generation.current) return;
      }
    } catch (error) {
      if (mine === generation.current) flash.push({ type: 'error', header: 'Could not follow the query', content: errorText(error) });
    }
  };

  const run = async (): Promise<void> => {
    if (running) return;
    const statement = sql.trim();
    if (statement === '') {
      flash.push({ type: 'error', header: 'Nothing to run', content: 'Write a SQL query first.' });
      return;
    }
    setStarting(true);
    try {
      const { QueryId } = await api.call<{ QueryId: string }>('StartQuery', { QueryStatement: statement });
      rememberLocally({ queryId: QueryId, sql: statement, table, status: 'QUEUED', createdAt: Date.now() });
      setCurrent({ QueryId, QueryString: statement, QueryStatus: 'QUEUED' });
      setStarting(false);
      await watch(QueryId, table);
    } catch (error) {
      flash.push({ type: 'error', header: 'The query did not start', content: errorText(error) });
    } finally {
      setStarting(false);
    }
  };

  const cancel = async (): Promise<void> => {
    if (!current) return;
    try {
      await api.call('CancelQuery', { QueryId: current.QueryId });
    } catch (error) {
      flash.push({ type: 'error', header: 'Could not cancel the query', content: errorText(error) });
    }
  };

  const open = (entry: HistoryEntry): void => {
    setSql(entry.sql);
    setTable(entry.table);
    void watch(entry.queryId, entry.table);
  };

  const chooseTable = (next: string): void => {
    const replaced = switchTable(sql, table, next);
    setTable(next);
    if (replaced !== undefined) setSql(replaced);
    else editor.current?.insertAtCursor(next);
  };

  const loadSample = (sample: SampleQuery): void => {
    setSql(sampleForTable(sample.SQL, table));
    editor.current?.focus();
    flash.push({ type: 'info', header: `Loaded “${sample.Name}”`, content: `Its table is ${tableLabel(table)}. Press Run or Ctrl+Enter.` });
  };

  const exportCsv = async (): Promise<void> => {
    if (!results) return;
    setExporting(true);
    try {
      const rows: string[][] = [];
      let token: string | undefined;
      do {
        const out = await api.call<ResultsOutput>('GetQueryResults', { QueryId: results.queryId, MaxQueryResults: 1000, ...(token ? { NextToken: token } : {}) });
        rows.push(...toResultPage(out.QueryResultRows ?? [], results.columns).rows);
        token = out.NextToken;
      } while (token && rows.length < EXPORT_CAP);
      downloadFile(`query-${results.queryId}.csv`, 'text/csv', resultsCsv(results.columns, rows));
      if (token) flash.push({ type: 'warning', header: 'Export truncated', content: `The CSV holds the first ${rows.length} rows.` });
    } catch (error) {
      flash.error('Could not export the results', error);
    } finally {
      setExporting(false);
    }
  };

  const goToPage = async (index: number): Promise<void> => {
    if (!results) return;
    if (index > results.pages.length && results.nextToken) await loadResults(results.queryId, results.nextToken, results.columns);
    setPageIndex(index);
  };

  const stats = current?.QueryStatistics;
  const tableOptions = [
    { value: EVENT_HISTORY_TABLE, label: EVENT_HISTORY_TABLE, description: 'Your whole event history: no event data store needed' },
    ...stores.map((s) => ({ value: storeId(s.EventDataStoreArn), label: s.Name, description: storeId(s.EventDataStoreArn) })),
  ];
  const rows = results?.pages[pageIndex - 1] ?? [];
  const shownCount = results ? results.pages.reduce((n, p) => n + p.length, 0) : 0;

  return (
    <Shell breadcrumbs={[{ text: 'Query', path: '/query' }]}>
      <SpaceBetween size="l">
        <Header variant="h1" description="CloudTrail Lake SQL over your event history or an event data store. Ctrl+Enter (Cmd+Enter) runs the query.">
          Query
        </Header>
        <Container
          header={
            <Header
              variant="h2"
              actions={
                <SpaceBetween direction="horizontal" size="xs">
                  <Button data-testid="cancel-query" disabled={!running || starting} onClick={() => void cancel()}>
                    Cancel
                  </Button>
                  <Button data-testid="run-query" variant="primary" loading={running} loadingText="Running the query" onClick={() => void run()}>
                    Run
                  </Button>
                </SpaceBetween>
              }
            >
              Editor
            </Header>
          }
        >
          <SpaceBetween size="m">
            <FormField label="Table" description="Choosing another table puts its name (or store id) in the SQL." stretch={false}>
              <Select
                data-testid="query-table"
                selectedOption={tableOptions.find((o) => o.value === table) ?? { value: table, label: table }}
                options={tableOptions}
                ariaLabel="Table to query"
                onChange={(e) => chooseTable(e.detail.selectedOption.value ?? EVENT_HISTORY_TABLE)}
              />
            </FormField>
            <SqlEditor ref={editor} value={sql} onChange={setSql} onRun={() => void run()} ariaLabel="SQL query editor. Control+Enter runs the query." tables={tableOptions.map((o) => o.value)} />
            <div data-testid="query-status">
              {starting ? (
                <div aria-live="polite">
                  <StatusIndicator type="pending">Starting</StatusIndicator>
                </div>
              ) : current ? (
                <SpaceBetween direction="horizontal" size="xxl">
                  {[
                    {
                      label: 'Status',
                      // Only the status is announced as it changes, not every poll's statistics.
                      value: (
                        <div aria-live="polite">
                          <QueryStatusIndicator status={current.QueryStatus} />
                        </div>
                      ),
                    },
                    { label: 'Events matched', value: (stats?.EventsMatched ?? 0).toLocaleString('en-US') },
                    { label: 'Events scanned', value: (stats?.EventsScanned ?? 0).toLocaleString('en-US') },
                    { label: 'Data scanned', value: formatBytes(stats?.BytesScanned ?? 0) },
                    { label: 'Run time', value: `${((stats?.ExecutionTimeInMillis ?? 0) / 1000).toFixed(2)} s` },
                    { label: 'Query ID', value: <Box variant="code">{current.QueryId}</Box> },
                  ].map((item) => (
                    <div key={item.label} role="group" aria-label={item.label}>
                      <Box variant="awsui-key-label">{item.label}</Box>
                      <div>{item.value}</div>
                    </div>
                  ))}
                </SpaceBetween>
              ) : (
                <Box color="text-body-secondary">No query run yet.</Box>
              )}
            </div>
          </SpaceBetween>
        </Container>
        <Tabs
          activeTabId={tab}
          onChange={(e) => setTab(e.detail.activeTabId)}
          ariaLabel="Results, sample queries and history"
          tabs={[
            {
              id: 'results',
              label: 'Query results',
              content: (
                <Table
                  data-testid="query-results"
                  variant="embedded"
                  items={rows}
                  loading={loadingResults && rows.length === 0}
                  loadingText="Loading results"
                  ariaLabels={{ tableLabel: 'Query results' }}
                  wrapLines
                  header={
                    <Header
                      counter={results ? `(${shownCount}${results.nextToken ? ` of ${results.total}` : ''})` : undefined}
                      actions={
                        <Button data-testid="export-csv" iconName="download" disabled={!results || results.total === 0} loading={exporting} onClick={() => void exportCsv()}>
                          Export CSV
                        </Button>
                      }
                    >
                      Results
                    </Header>
                  }
                  pagination={
                    results && (results.pages.length > 1 || results.nextToken) ? (
                      <Pagination
                        currentPageIndex={pageIndex}
                        pagesCount={results.pages.length}
                        openEnd={results.nextToken !== undefined}
                        disabled={loadingResults}
                        onChange={(e) => void goToPage(e.detail.currentPageIndex)}
                        ariaLabels={{ nextPageLabel: 'Next page of results', previousPageLabel: 'Previous page of results', pageLabel: (n) => `Results page ${n}` }}
                      />
                    ) : undefined
                  }
                  empty={<Box textAlign="center">{current?.QueryStatus === 'FINISHED' ? 'The query returned no rows.' : 'Run a query to see its results.'}</Box>}
                  columnDefinitions={(results?.columns ?? []).map((column, i) => ({ id: `c${i}`, header: column, cell: (row: string[]) => row[i] ?? '' }))}
                />
              ),
            },
            { id: 'samples', label: 'Sample queries', content: <SampleQueries onUse={loadSample} /> },
            { id: 'history', label: `History (${history.length})`, content: <QueryHistory entries={history} loading={loadingHistory} tableLabel={tableLabel} onOpen={open} onRefresh={() => void loadServerHistory(stores)} /> },
          ]}
        />
      </SpaceBetween>
    </Shell>
  );
}
