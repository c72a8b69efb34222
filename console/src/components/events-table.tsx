import Box from '@cloudscape-design/components/box';
import type { CollectionPreferencesProps } from '@cloudscape-design/components/collection-preferences';
import CollectionPreferences from '@cloudscape-design/components/collection-preferences';
import Link from '@cloudscape-design/components/link';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { TableProps } from '@cloudscape-design/components/table';
import Table from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { useState } from 'react';
import type { ColumnId, ConsoleEvent } from '../events';
import { COLUMNS } from '../events';
import { preferenceKey, useSession } from '../session';

type Preferences = CollectionPreferencesProps.Preferences;
const DEFAULT_PREFERENCES: Preferences = { contentDisplay: COLUMNS.map((c) => ({ id: c.id, visible: c.visible })), wrapLines: false, stripedRows: false };

/** Column preferences, remembered per principal in this browser. */
export function useColumnPreferences(): [Preferences, (p: Preferences) => void] {
  const session = useSession();
  const key = preferenceKey(session, 'event-columns');
  const [preferences, setPreferences] = useState<Preferences>(() => {
    try {
      const stored = localStorage.getItem(key);
      if (stored) {
        const parsed = JSON.parse(stored) as Preferences;
        const known = new Set<string>(COLUMNS.map((c) => c.id));
        const display = (parsed.contentDisplay ?? []).filter((c) => known.has(c.id));
        // Columns added since the preferences were saved are appended with their defaults.
        for (const column of COLUMNS) if (!display.some((d) => d.id === column.id)) display.push({ id: column.id, visible: column.visible });
        return { ...DEFAULT_PREFERENCES, ...parsed, contentDisplay: display };
      }
    } catch {
      // Unreadable preferences fall back to the defaults.
    }
    return DEFAULT_PREFERENCES;
  });
  const save = (next: Preferences): void => {
    setPreferences(next);
    localStorage.setItem(key, JSON.stringify(next));
  };
  return [preferences, save];
}

function cell(event: ConsoleEvent, id: ColumnId, onOpen: (e: ConsoleEvent) => void): ReactNode {
  if (id === 'eventName') {
    return (
      <Link
        href={`#${event.eventId}`}
        ariaLabel={`Open details of ${event.eventName} at ${event.eventTime}`}
        onFollow={(e) => {
          e.preventDefault();
          onOpen(event);
        }}
      >
        {event.eventName}
      </Link>
    );
  }
  if (id === 'errorCode' && event.errorCode) return <StatusIndicator type="error">{event.errorCode}</StatusIndicator>;
  return event[id] === '' ? '-' : event[id];
}

export interface EventsTableProps {
  items: ConsoleEvent[];
  loading: boolean;
  header: ReactNode;
  filter?: ReactNode;
  pagination?: ReactNode;
  selected: ConsoleEvent | undefined;
  onSelect: (event: ConsoleEvent | undefined) => void;
  empty?: ReactNode;
}

/** The event table of event history and of log files: every CloudTrail column, chosen per user. */
export function EventsTable(props: EventsTableProps): ReactNode {
  const [preferences, setPreferences] = useColumnPreferences();
  const columnDefinitions: TableProps.ColumnDefinition<ConsoleEvent>[] = COLUMNS.map((c) => ({
    id: c.id,
    header: c.header,
    cell: (e: ConsoleEvent) => cell(e, c.id, props.onSelect),
    isRowHeader: c.id === 'eventName',
    minWidth: c.id === 'eventTime' || c.id === 'eventId' || c.id === 'requestId' ? 190 : 120,
  }));
  return (
    <Table
      variant="full-page"
      stickyHeader
      resizableColumns
      trackBy="eventId"
      items={props.items}
      loading={props.loading}
      loadingText="Loading events"
      header={props.header}
      filter={props.filter}
      pagination={props.pagination}
      columnDefinitions={columnDefinitions}
      columnDisplay={preferences.contentDisplay}
      wrapLines={preferences.wrapLines}
      stripedRows={preferences.stripedRows}
      selectionType="single"
      selectedItems={props.selected ? [props.selected] : []}
      onSelectionChange={(e) => props.onSelect(e.detail.selectedItems[0])}
      ariaLabels={{
        tableLabel: 'Events',
        selectionGroupLabel: 'Event selection',
        itemSelectionLabel: (_s, item) => `Select ${item.eventName} at ${item.eventTime}`,
        allItemsSelectionLabel: () => 'Select all events',
      }}
      empty={props.empty ?? <Box textAlign="center">No events match.</Box>}
      preferences={
        <CollectionPreferences
          title="Preferences"
          confirmLabel="Confirm"
          cancelLabel="Cancel"
          preferences={preferences}
          onConfirm={(e) => setPreferences(e.detail)}
          wrapLinesPreference={{ label: 'Wrap lines', description: 'Show long values on several lines' }}
          stripedRowsPreference={{ label: 'Striped rows', description: 'Alternate row shading' }}
          contentDisplayPreference={{ title: 'Column preferences', description: 'Choose the columns to show and their order.', options: COLUMNS.map((c) => ({ id: c.id, label: c.header, alwaysVisible: c.id === 'eventName' })) }}
        />
      }
    />
  );
}
