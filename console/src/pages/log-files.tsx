import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { EventDetails } from '../components/event-details';
import { EventsTable } from '../components/events-table';
import { Shell } from '../components/shell';
import type { ConsoleEvent, WireEvent } from '../events';
import { toConsoleEvent } from '../events';
import { useFlash } from '../flash';
import { navigate, useLocation } from '../router';
import type { Trail } from '../trails-api';

interface LogFile {
  Key: string;
  Region: string;
  Day: string;
  DeliveredAt: string;
}

interface Integrity {
  Status: 'VALID' | 'INVALID' | 'PENDING' | 'NOT_ENABLED';
  Message: string;
}

export function IntegrityStatus({ integrity }: { integrity: Integrity }): ReactNode {
  const type = { VALID: 'success', INVALID: 'error', PENDING: 'pending', NOT_ENABLED: 'stopped' } as const;
  const text = { VALID: 'Valid', INVALID: 'Invalid', PENDING: 'Not yet in a digest', NOT_ENABLED: 'Validation not enabled' } as const;
  return <StatusIndicator type={type[integrity.Status]}>{text[integrity.Status]}</StatusIndicator>;
}

/** A trail's log files by region and day; one file opens as the event table with its integrity verdict. */
export function LogFilesPage(): ReactNode {
  const flash = useFlash();
  const location = useLocation();
  const trailArn = location.search.get('trail') ?? '';
  const region = location.search.get('region') ?? '';
  const day = location.search.get('day') ?? '';
  const key = location.search.get('key') ?? '';
  const [trails, setTrails] = useState<Trail[]>([]);
  const [files, setFiles] = useState<LogFile[] | undefined>();
  const [opened, setOpened] = useState<{ key: string; events: ConsoleEvent[]; integrity: Integrity } | undefined>();
  const [loadingFile, setLoadingFile] = useState(false);
  const [selected, setSelected] = useState<ConsoleEvent | undefined>();

  const go = (patch: Record<string, string>): void => {
    const next = new URLSearchParams({ trail: trailArn, region, day, key, ...patch });
    for (const [k, v] of [...next.entries()]) if (v === '') next.delete(k);
    navigate('/log-files', next);
  };

  useEffect(() => {
    api
      .call<{ trailList: Trail[] }>('DescribeTrails', {})
      .then((out) => setTrails(out.trailList))
      .catch((e: unknown) => flash.error('Could not list trails', e));
  }, []); // the flash context is stable
  useEffect(() => {
    setFiles(undefined);
    if (!trailArn) return;
    api
      .call<{ LogFiles: LogFile[] }>('ListLogFiles', { TrailARN: trailArn })
      .then((out) => setFiles(out.LogFiles))
      .catch((e: unknown) => {
        setFiles([]);
        flash.error('Could not list log files', e);
      });
  }, [trailArn]);
  useEffect(() => {
    setOpened(undefined);
    setSelected(undefined);
    if (!trailArn || !key) return;
    setLoadingFile(true);
    api
      .call<{ Events: WireEvent[]; Integrity: Integrity }>('GetLogFile', { TrailARN: trailArn, Key: key })
      .then((out) => setOpened({ key, events: out.Events.map(toConsoleEvent), integrity: out.Integrity }))
      .catch((e: unknown) => flash.error('Could not open the log file', e))
      .finally(() => setLoadingFile(false));
  }, [trailArn, key]);

  const regions = useMemo(() => [...new Set((files ?? []).map((f) => f.Region))].sort(), [files]);
  const days = useMemo(() => [...new Set((files ?? []).filter((f) => !region || f.Region === region).map((f) => f.Day))].sort().reverse(), [files, region]);
  const shown = (files ?? []).filter((f) => (!region || f.Region === region) && (!day || f.Day === day));
  const trailOptions = trails.map((t) => ({ value: t.TrailARN, label: t.Name, description: `${t.S3BucketName}${t.S3KeyPrefix ? `/${t.S3KeyPrefix}` : ''}` }));

  return (
    <Shell
      contentType="table"
      breadcrumbs={[{ text: 'Log files', path: '/log-files' }]}
      {...(selected ? { splitPanel: { header: `${selected.eventName} (${selected.eventTime})`, content: <EventDetails event={selected} />, onClose: () => setSelected(undefined) } } : {})}
    >
      <SpaceBetween size="l">
        <Header variant="h1" description="Browse what a trail delivered, read a log file as a table, and check it against its signed digest.">
          Log files
        </Header>
        <Container>
          <SpaceBetween direction="horizontal" size="l">
            <FormField label="Trail">
              <Select
                selectedOption={trailOptions.find((o) => o.value === trailArn) ?? null}
                options={trailOptions}
                placeholder="Choose a trail"
                onChange={(e) => navigate('/log-files', new URLSearchParams([['trail', e.detail.selectedOption.value ?? '']]))}
                ariaLabel="Trail"
                data-testid="log-trail"
              />
            </FormField>
            <FormField label="Region">
              <Select
                selectedOption={{ value: region, label: region || 'All regions' }}
                options={[{ value: '', label: 'All regions' }, ...regions.map((r) => ({ value: r, label: r }))]}
                onChange={(e) => go({ region: e.detail.selectedOption.value ?? '', day: '', key: '' })}
                disabled={!files}
                ariaLabel="Region"
                data-testid="log-region"
              />
            </FormField>
            <FormField label="Day (UTC)">
              <Select
                selectedOption={{ value: day, label: day || 'All days' }}
                options={[{ value: '', label: 'All days' }, ...days.map((d) => ({ value: d, label: d }))]}
                onChange={(e) => go({ day: e.detail.selectedOption.value ?? '', key: '' })}
                disabled={!files}
                ariaLabel="Day"
                data-testid="log-day"
              />
            </FormField>
          </SpaceBetween>
        </Container>
        {trailArn ? (
          <Table
            data-testid="log-file-list"
            variant="container"
            items={shown}
            loading={files === undefined}
            loadingText="Listing log files"
            header={<Header variant="h2" counter={`(${shown.length})`}>Files</Header>}
            empty={<Box textAlign="center">No log files delivered yet.</Box>}
            columnDefinitions={[
              {
                id: 'key',
                header: 'Log file',
                isRowHeader: true,
                cell: (f) => (
                  <Link
                    href={`#${f.Key}`}
                    onFollow={(e) => {
                      e.preventDefault();
                      go({ key: f.Key });
                    }}
                  >
                    {f.Key.slice(f.Key.lastIndexOf('/') + 1)}
                  </Link>
                ),
              },
              { id: 'region', header: 'Region', cell: (f) => f.Region },
              { id: 'delivered', header: 'Delivered', cell: (f) => f.DeliveredAt },
            ]}
          />
        ) : null}
        {key ? (
          <div data-testid="log-records">
          <EventsTable
            items={opened?.events ?? []}
            loading={loadingFile}
            selected={selected}
            onSelect={setSelected}
            header={
              <Header
                variant="h2"
                counter={opened ? `(${opened.events.length})` : undefined}
                description={key}
                info={opened ? <span data-testid="integrity"><IntegrityStatus integrity={opened.integrity} /></span> : undefined}
              >
                Records
              </Header>
            }
            empty={<Box textAlign="center">This log file holds no records.</Box>}
          />
          </div>
        ) : null}
        {opened ? <Box color="text-body-secondary" data-testid="integrity-message">Integrity: {opened.integrity.Message}</Box> : null}
      </SpaceBetween>
    </Shell>
  );
}
