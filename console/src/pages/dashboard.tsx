import BarChart from '@cloudscape-design/components/bar-chart';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Grid from '@cloudscape-design/components/grid';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Table from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { Shell } from '../components/shell';
import type { ConsoleEvent, WireEvent } from '../events';
import { toConsoleEvent } from '../events';
import { useFlash } from '../flash';
import { follow, href } from '../router';
import { useSession } from '../session';
import type { TrailWithStatus } from '../trails-api';
import { formatTime, listTrails } from '../trails-api';
import { LoggingStatus } from './trails';

/** The newest events the chart counts (one SearchEvents page: the dashboard never scans history). */
const CHART_SAMPLE = 1000;

/** Counts per bucket over the span of the sample: hours when it covers under two days, else days. */
export function countsOverTime(events: readonly ConsoleEvent[]): { x: string; y: number }[] {
  if (events.length === 0) return [];
  const times = events.map((e) => Date.parse(e.eventTime));
  const span = Math.max(...times) - Math.min(...times);
  const size = span < 2 * 864e5 ? 36e5 : 864e5;
  const counts = new Map<number, number>();
  for (const t of times) {
    const bucket = Math.floor(t / size) * size;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  const label = (ms: number): string => new Date(ms).toISOString().slice(0, size === 36e5 ? 13 : 10).replace('T', ' ') + (size === 36e5 ? ':00' : '');
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([x, y]) => ({ x: label(x), y }));
}

export function DashboardPage(): ReactNode {
  const flash = useFlash();
  const session = useSession();
  const [events, setEvents] = useState<ConsoleEvent[] | undefined>();
  const [trails, setTrails] = useState<TrailWithStatus[] | undefined>();
  useEffect(() => {
    api
      .call<{ Events: WireEvent[] }>('SearchEvents', { MaxResults: CHART_SAMPLE })
      .then((out) => setEvents(out.Events.map(toConsoleEvent)))
      .catch((e: unknown) => {
        setEvents([]);
        flash.error('Could not load recent events', e);
      });
    listTrails()
      .then(setTrails)
      .catch((e: unknown) => {
        setTrails([]);
        flash.error('Could not list trails', e);
      });
  }, []); // the flash context is stable
  const series = countsOverTime(events ?? []);
  return (
    <Shell breadcrumbs={[]} contentType="dashboard">
      <ContentLayout header={<Header variant="h1" description={`Account ${session.accountId}, region ${session.region}`}>Dashboard</Header>}>
        <Grid gridDefinition={[{ colspan: { default: 12, m: 7 } }, { colspan: { default: 12, m: 5 } }, { colspan: 12 }]}>
          <Container header={<Header variant="h2" description={`The newest ${CHART_SAMPLE.toLocaleString()} management events, counted per hour (or per day when they span two days or more)`}>Events over time</Header>}>
            <BarChart
              series={[{ title: 'Events', type: 'bar', data: series }]}
              xScaleType="categorical"
              xTitle="Time (UTC)"
              yTitle="Events"
              height={220}
              hideFilter
              hideLegend
              statusType={events === undefined ? 'loading' : 'finished'}
              loadingText="Loading events"
              ariaLabel="Events over time"
              empty={<Box textAlign="center">No events yet</Box>}
            />
          </Container>
          <Table
            variant="container"
            header={
              <Header variant="h2" counter={trails ? `(${trails.length})` : undefined} actions={<Link href={href('/trails')} onFollow={follow}>All trails</Link>}>
                Trails
              </Header>
            }
            items={trails ?? []}
            loading={trails === undefined}
            loadingText="Loading trails"
            empty={<Box textAlign="center">No trails. <Link href={href('/trails/create')} onFollow={follow}>Create one</Link></Box>}
            columnDefinitions={[
              { id: 'name', header: 'Name', isRowHeader: true, cell: (t) => <Link href={href(`/trails/${encodeURIComponent(t.trail.Name)}`)} onFollow={follow}>{t.trail.Name}</Link> },
              { id: 'status', header: 'Status', cell: (t) => <LoggingStatus status={t.status} /> },
              { id: 'delivery', header: 'Last delivery', cell: (t) => formatTime(t.status?.LatestDeliveryTime) },
              { id: 'error', header: 'Last error', cell: (t) => t.status?.LatestDeliveryError ?? t.status?.LatestDigestDeliveryError ?? t.status?.LatestNotificationError ?? '-' },
            ]}
          />
          <Table
            variant="container"
            header={<Header variant="h2" actions={<Link href={href('/events')} onFollow={follow}>Event history</Link>}>Recent events</Header>}
            items={(events ?? []).slice(0, 10)}
            loading={events === undefined}
            loadingText="Loading events"
            empty={<Box textAlign="center">No events yet</Box>}
            columnDefinitions={[
              { id: 'name', header: 'Event name', isRowHeader: true, cell: (e) => <Link href={href('/events', new URLSearchParams([['filter', `EventId:${e.eventId}`]]))} onFollow={follow}>{e.eventName}</Link> },
              { id: 'time', header: 'Event time', cell: (e) => e.eventTime },
              { id: 'user', header: 'User name', cell: (e) => e.username || '-' },
              { id: 'source', header: 'Event source', cell: (e) => e.eventSource },
              { id: 'error', header: 'Error code', cell: (e) => e.errorCode || '-' },
            ]}
          />
        </Grid>
      </ContentLayout>
    </Shell>
  );
}
