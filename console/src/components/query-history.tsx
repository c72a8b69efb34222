import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import type { StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { HistoryEntry, QueryStatus } from '../lake-query';

const STATUS: Record<QueryStatus, { type: StatusIndicatorProps.Type; text: string }> = {
  QUEUED: { type: 'pending', text: 'Queued' },
  RUNNING: { type: 'loading', text: 'Running' },
  FINISHED: { type: 'success', text: 'Finished' },
  FAILED: { type: 'error', text: 'Failed' },
  CANCELLED: { type: 'stopped', text: 'Cancelled' },
  TIMED_OUT: { type: 'error', text: 'Timed out' },
};

export function QueryStatusIndicator({ status }: { status: QueryStatus }): ReactNode {
  const s = STATUS[status];
  return <StatusIndicator type={s.type}>{s.text}</StatusIndicator>;
}

export interface QueryHistoryProps {
  entries: readonly HistoryEntry[];
  loading: boolean;
  /** The table a store id stands for (its name), for display. */
  tableLabel: (table: string) => string;
  onOpen: (entry: HistoryEntry) => void;
  onRefresh: () => void;
}

/** Past queries: this browser's and the server's (ListQueries per store); one opens with its results. */
export function QueryHistory({ entries, loading, tableLabel, onOpen, onRefresh }: QueryHistoryProps): ReactNode {
  return (
    <Table
      data-testid="query-history"
      variant="embedded"
      items={[...entries]}
      loading={loading && entries.length === 0}
      loadingText="Loading past queries"
      trackBy="queryId"
      ariaLabels={{ tableLabel: 'Past queries' }}
      wrapLines
      header={
        <Header
          counter={`(${entries.length})`}
          description="Queries run in this browser and those the server keeps for your event data stores (7 days). Open one to see its SQL and results again."
          actions={<Button iconName="refresh" ariaLabel="Refresh past queries" loading={loading} onClick={onRefresh} />}
        >
          Query history
        </Header>
      }
      empty={<Box textAlign="center">No queries yet.</Box>}
      columnDefinitions={[
        { id: 'time', header: 'Started', width: 200, cell: (e) => new Date(e.createdAt).toISOString().replace('T', ' ').slice(0, 19) },
        { id: 'status', header: 'Status', width: 130, cell: (e) => <QueryStatusIndicator status={e.status} /> },
        { id: 'table', header: 'Table', width: 180, cell: (e) => tableLabel(e.table) },
        {
          id: 'sql',
          header: 'SQL',
          cell: (e) => (
            <Button variant="inline-link" ariaLabel={`Open query ${e.queryId}: ${e.sql}`} onClick={() => onOpen(e)}>
              <code>{e.sql === '' ? e.queryId : e.sql}</code>
            </Button>
          ),
        },
      ]}
    />
  );
}
