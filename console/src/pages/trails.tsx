import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { Shell } from '../components/shell';
import { useFlash } from '../flash';
import { follow, href, navigate } from '../router';
import type { TrailWithStatus } from '../trails-api';
import { formatTime, listTrails } from '../trails-api';

export function LoggingStatus({ status }: { status: TrailWithStatus['status'] }): ReactNode {
  if (!status) return <StatusIndicator type="warning">Unknown</StatusIndicator>;
  if (status.LatestDeliveryError) return <StatusIndicator type="error">Delivery failing: {status.LatestDeliveryError}</StatusIndicator>;
  return status.IsLogging ? <StatusIndicator type="success">Logging</StatusIndicator> : <StatusIndicator type="stopped">Not logging</StatusIndicator>;
}

export function TrailsPage(): ReactNode {
  const flash = useFlash();
  const [trails, setTrails] = useState<TrailWithStatus[]>([]);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<TrailWithStatus[]>([]);
  const load = (): void => {
    setLoading(true);
    listTrails()
      .then(setTrails)
      .catch((e: unknown) => flash.error('Could not list trails', e))
      .finally(() => setLoading(false));
  };
  useEffect(load, []); // the flash context is stable
  const first = selected[0];
  return (
    <Shell breadcrumbs={[{ text: 'Trails', path: '/trails' }]} contentType="table">
      <Table
        variant="full-page"
        items={trails}
        loading={loading}
        loadingText="Loading trails"
        trackBy={(t) => t.trail.TrailARN}
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        ariaLabels={{ tableLabel: 'Trails', selectionGroupLabel: 'Trail selection', itemSelectionLabel: (_s, t) => `Select trail ${t.trail.Name}`, allItemsSelectionLabel: () => 'Select all trails' }}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={`(${trails.length})`}
            description="Trails deliver this account's events as log files to a bucket, with signed digests."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh trails" onClick={load} />
                <Button disabled={!first} onClick={() => first && navigate(`/trails/${encodeURIComponent(first.trail.Name)}`)}>
                  View details
                </Button>
                <Button variant="primary" onClick={() => navigate('/trails/create')}>
                  Create trail
                </Button>
              </SpaceBetween>
            }
          >
            Trails
          </Header>
        }
        empty={
          <Box textAlign="center">
            <SpaceBetween size="s">
              <b>No trails</b>
              <Button onClick={() => navigate('/trails/create')}>Create trail</Button>
            </SpaceBetween>
          </Box>
        }
        columnDefinitions={[
          {
            id: 'name',
            header: 'Name',
            isRowHeader: true,
            cell: (t) => (
              <Link href={href(`/trails/${encodeURIComponent(t.trail.Name)}`)} onFollow={follow}>
                {t.trail.Name}
              </Link>
            ),
          },
          { id: 'home', header: 'Home region', cell: (t) => t.trail.HomeRegion ?? '-' },
          { id: 'multi', header: 'Multi-region trail', cell: (t) => (t.trail.IsMultiRegionTrail ? 'Yes' : 'No') },
          { id: 'bucket', header: 'S3 bucket', cell: (t) => `${t.trail.S3BucketName}${t.trail.S3KeyPrefix ? `/${t.trail.S3KeyPrefix}` : ''}` },
          { id: 'validation', header: 'Log file validation', cell: (t) => (t.trail.LogFileValidationEnabled ? 'Enabled' : 'Disabled') },
          { id: 'status', header: 'Status', cell: (t) => <LoggingStatus status={t.status} /> },
          { id: 'delivery', header: 'Last delivery', cell: (t) => formatTime(t.status?.LatestDeliveryTime) },
        ]}
      />
    </Shell>
  );
}
