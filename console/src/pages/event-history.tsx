import Button from '@cloudscape-design/components/button';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import DateRangePicker from '@cloudscape-design/components/date-range-picker';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import PropertyFilter from '@cloudscape-design/components/property-filter';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Toggle from '@cloudscape-design/components/toggle';
import type { ReactNode } from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { EventDetails } from '../components/event-details';
import { EventsTable } from '../components/events-table';
import { Shell } from '../components/shell';
import type { ConsoleEvent } from '../events';
import { downloadFile, toConsoleEvent, toCsv, toJson } from '../events';
import { useFlash } from '../flash';
import type { HistoryView } from '../history-query';
import { filtersFromQuery, LOOKUP_ATTRIBUTES, queryFromView, searchFromView, searchInput, viewFromSearch } from '../history-query';
import type { SearchOutput } from '../prefetch';
import { consumePrefetched, prefetchedInput } from '../prefetch';
import { navigate, useLocation } from '../router';

export const PAGE_SIZE = 50;
/** Downloads walk the results a thousand at a time, up to this many. */
const DOWNLOAD_CAP = 10_000;

interface Page {
  events: ConsoleEvent[];
  nextToken: string | undefined;
}


export const RELATIVE_OPTIONS = [
  { key: 'last-1-hour', amount: 1, unit: 'hour' as const, type: 'relative' as const },
  { key: 'last-1-day', amount: 1, unit: 'day' as const, type: 'relative' as const },
  { key: 'last-7-days', amount: 7, unit: 'day' as const, type: 'relative' as const },
  { key: 'last-30-days', amount: 30, unit: 'day' as const, type: 'relative' as const },
  { key: 'last-90-days', amount: 90, unit: 'day' as const, type: 'relative' as const },
];

/** Event history: every lookup attribute at once, time ranges, server-side pages, details in a split panel. */
export function EventHistoryPage(): ReactNode {
  const location = useLocation();
  const flash = useFlash();
  const view = useMemo(() => viewFromSearch(location.search), [location.search]);
  const viewKey = searchFromView(view).toString();
  // The search input is fixed per view: page tokens are bound to it (a relative range is not re-evaluated between pages).
  const input = useMemo(() => prefetchedInput(viewKey) ?? searchInput(view, Date.now()), [viewKey]);
  const [pages, setPages] = useState<Page[]>([]);
  const [pageIndex, setPageIndex] = useState(1);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<ConsoleEvent | undefined>();
  const [downloading, setDownloading] = useState(false);
  const generation = useRef(0);

  const load = async (token: string | undefined, append: boolean): Promise<void> => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const early = token ? undefined : await consumePrefetched(input)?.catch(() => undefined);
      const out = early ?? (await api.call<SearchOutput>('SearchEvents', { ...input, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }));
      if (mine !== generation.current) return;
      const page = { events: out.Events.map(toConsoleEvent), nextToken: out.NextToken };
      setPages((existing) => (append ? [...existing, page] : [page]));
    } catch (error) {
      if (mine === generation.current) flash.error('Could not load events', error);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };

  useEffect(() => {
    setPages([]);
    setPageIndex(1);
    setSelected(undefined);
    void load(undefined, false);
  }, [input]);

  const update = (next: Partial<HistoryView>): void => navigate('/events', searchFromView({ ...view, ...next }), false);
  const current = pages[pageIndex - 1];
  const last = pages[pages.length - 1];
  const items = current?.events ?? [];

  const download = async (format: 'csv' | 'json'): Promise<void> => {
    setDownloading(true);
    try {
      const all: ConsoleEvent[] = [];
      let token: string | undefined;
      do {
        const out = await api.call<SearchOutput>('SearchEvents', { ...input, MaxResults: 1000, ...(token ? { NextToken: token } : {}) });
        all.push(...out.Events.map(toConsoleEvent));
        token = out.NextToken;
      } while (token && all.length < DOWNLOAD_CAP);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      if (format === 'csv') downloadFile(`event_history_${stamp}.csv`, 'text/csv', toCsv(all));
      else downloadFile(`event_history_${stamp}.json`, 'application/json', toJson(all));
      if (token) flash.push({ type: 'warning', header: 'Download truncated', content: `The download holds the newest ${all.length} matching events; narrow the filter for the rest.` });
    } catch (error) {
      flash.error('Could not download events', error);
    } finally {
      setDownloading(false);
    }
  };

  const counter = pages.length === 0 ? undefined : `(${pages.reduce((n, p) => n + p.events.length, 0)}${last?.nextToken ? '+' : ''})`;
  return (
    <Shell
      contentType="table"
      breadcrumbs={[{ text: 'Event history', path: '/events' }]}
      {...(selected ? { splitPanel: { header: `${selected.eventName} (${selected.eventTime})`, content: <EventDetails event={selected} />, onClose: () => setSelected(undefined) } } : {})}
    >
      <EventsTable
        items={items}
        loading={loading && items.length === 0}
        selected={selected}
        onSelect={setSelected}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={counter}
            description="Management events in this account and region. Conditions combine: every one must match."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh events" loading={loading && items.length > 0} onClick={() => void load(undefined, false).then(() => setPageIndex(1))} />
                <ButtonDropdown
                  data-testid="download"
                  loading={downloading}
                  items={[
                    { id: 'csv', text: 'Download as CSV' },
                    { id: 'json', text: 'Download as JSON' },
                  ]}
                  onItemClick={(e) => void download(e.detail.id === 'json' ? 'json' : 'csv')}
                >
                  Download events
                </ButtonDropdown>
              </SpaceBetween>
            }
          >
            Event history
          </Header>
        }
        filter={
          <SpaceBetween direction="horizontal" size="s" alignItems="center">
            <div style={{ minWidth: 480 }}>
              <PropertyFilter
                query={queryFromView(view)}
                onChange={(e) => update({ filters: filtersFromQuery(e.detail) })}
                hideOperations
                disableFreeTextFiltering
                filteringAriaLabel="Filter events by lookup attributes"
                filteringPlaceholder="Filter by event name, user name, resource, ..."
                expandToViewport
                filteringProperties={LOOKUP_ATTRIBUTES.map((a) => ({ key: a.key, propertyLabel: a.label, groupValuesLabel: `${a.label} values`, operators: ['='] }))}
                filteringOptions={[
                  { propertyKey: 'ReadOnly', value: 'true' },
                  { propertyKey: 'ReadOnly', value: 'false' },
                ]}
                countText={counter ? `${counter.slice(1, -1)} matches` : undefined}
              />
            </div>
            <DateRangePicker
              value={view.range}
              onChange={(e) => update({ range: e.detail.value })}
              relativeOptions={RELATIVE_OPTIONS}
              isValidRange={(range) => {
                if (range?.type === 'absolute' && (Number.isNaN(Date.parse(range.startDate)) || Number.isNaN(Date.parse(range.endDate)))) {
                  return { valid: false, errorMessage: 'Enter a start and an end.' };
                }
                if (range?.type === 'absolute' && Date.parse(range.startDate) > Date.parse(range.endDate)) return { valid: false, errorMessage: 'The start must be before the end.' };
                return { valid: true };
              }}
              placeholder="Any time"
              expandToViewport
              ariaLabel="Time range"
            />
            <Toggle checked={!view.hideReadOnly} onChange={(e) => update({ hideReadOnly: !e.detail.checked })}>
              Show read-only events
            </Toggle>
          </SpaceBetween>
        }
        pagination={
          <Pagination
            currentPageIndex={pageIndex}
            pagesCount={Math.max(pages.length, 1)}
            openEnd={last?.nextToken !== undefined}
            disabled={loading}
            ariaLabels={{ nextPageLabel: 'Next page', previousPageLabel: 'Previous page', pageLabel: (n) => `Page ${n}` }}
            onChange={(e) => {
              setSelected(undefined);
              setPageIndex(e.detail.currentPageIndex);
            }}
            onNextPageClick={(e) => {
              if (!e.detail.requestedPageAvailable && last?.nextToken) void load(last.nextToken, true);
            }}
          />
        }
      />
    </Shell>
  );
}
