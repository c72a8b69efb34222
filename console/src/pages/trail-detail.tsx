import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { Shell } from '../components/shell';
import { useFlash } from '../flash';
import { navigate } from '../router';
import type { Trail, TrailStatus } from '../trails-api';
import { formatTime } from '../trails-api';
import { LoggingStatus } from './trails';

interface Details {
  trail: Trail;
  status: TrailStatus;
  selectors: Record<string, unknown>;
  insights: Record<string, unknown>;
}

/** One trail: its settings and status, start/stop logging, edit, delete (confirmed by typing its name). */
export function TrailDetailPage({ name }: { name: string }): ReactNode {
  const flash = useFlash();
  const [details, setDetails] = useState<Details | undefined>();
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [confirmText, setConfirmText] = useState('');
  const load = async (): Promise<void> => {
    try {
      const { Trail: trail } = await api.call<{ Trail: Trail }>('GetTrail', { Name: name });
      const [status, selectors, insights] = await Promise.all([
        api.call<TrailStatus>('GetTrailStatus', { Name: name }),
        api.call('GetEventSelectors', { TrailName: name }),
        api.call('GetInsightSelectors', { TrailName: name }).catch(() => ({})),
      ]);
      setDetails({ trail, status, selectors, insights });
    } catch (e) {
      flash.error(`Could not load trail ${name}`, e);
    }
  };
  useEffect(() => {
    void load();
  }, [name]); // load and flash are stable for a name

  const run = async (operation: string, message: string): Promise<void> => {
    setBusy(true);
    try {
      await api.call(operation, { Name: name });
      flash.push({ type: 'success', content: message });
      await load();
    } catch (e) {
      flash.error(`${operation} failed`, e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.call('DeleteTrail', { Name: name });
      flash.push({ type: 'success', content: `Trail ${name} deleted.` });
      navigate('/trails');
    } catch (e) {
      flash.error('DeleteTrail failed', e);
      setBusy(false);
    }
  };
  const trail = details?.trail;
  const status = details?.status;
  return (
    <Shell breadcrumbs={[{ text: 'Trails', path: '/trails' }, { text: name, path: `/trails/${encodeURIComponent(name)}` }]}>
      <SpaceBetween size="l">
        <Header
          variant="h1"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              {status?.IsLogging ? (
                <Button loading={busy} onClick={() => void run('StopLogging', `Trail ${name} stopped logging.`)}>
                  Stop logging
                </Button>
              ) : (
                <Button loading={busy} onClick={() => void run('StartLogging', `Trail ${name} started logging.`)}>
                  Start logging
                </Button>
              )}
              <Button onClick={() => navigate('/log-files', new URLSearchParams([['trail', trail?.TrailARN ?? name]]))}>Browse log files</Button>
              <Button onClick={() => navigate(`/trails/${encodeURIComponent(name)}/edit`)}>Edit</Button>
              <Button onClick={() => setDeleting(true)}>Delete</Button>
            </SpaceBetween>
          }
        >
          {name}
        </Header>
        {!details ? (
          <Spinner size="large" />
        ) : (
          <>
            <Container header={<Header variant="h2">Status</Header>}>
              <KeyValuePairs
                columns={3}
                items={[
                  { label: 'Logging', value: <LoggingStatus status={status} /> },
                  { label: 'Started logging', value: formatTime(status?.StartLoggingTime) },
                  { label: 'Stopped logging', value: formatTime(status?.StopLoggingTime) },
                  { label: 'Last log file delivered', value: formatTime(status?.LatestDeliveryTime) },
                  { label: 'Last delivery error', value: status?.LatestDeliveryError || 'None' },
                  { label: 'Last digest delivered', value: formatTime(status?.LatestDigestDeliveryTime) },
                  { label: 'Last digest error', value: status?.LatestDigestDeliveryError || 'None' },
                  { label: 'Last notification error', value: status?.LatestNotificationError || 'None' },
                ]}
              />
            </Container>
            <Container header={<Header variant="h2">General details</Header>}>
              <KeyValuePairs
                columns={3}
                items={[
                  { label: 'Trail ARN', value: trail?.TrailARN },
                  { label: 'Home region', value: trail?.HomeRegion ?? '-' },
                  { label: 'Multi-region trail', value: trail?.IsMultiRegionTrail ? 'Yes' : 'No' },
                  { label: 'S3 bucket', value: trail?.S3BucketName },
                  { label: 'Prefix', value: trail?.S3KeyPrefix ?? '-' },
                  { label: 'KMS key', value: trail?.KmsKeyId ?? 'None' },
                  { label: 'Log file validation', value: trail?.LogFileValidationEnabled ? 'Enabled' : 'Disabled' },
                  { label: 'SNS topic', value: trail?.SnsTopicARN ?? 'None' },
                  { label: 'Global service events', value: trail?.IncludeGlobalServiceEvents ? 'Included' : 'Excluded' },
                ]}
              />
            </Container>
            <Container header={<Header variant="h2">Event selectors and insights</Header>}>
              <Box variant="code">
                <pre className="cairn-raw">{JSON.stringify({ ...details.selectors, ...details.insights }, null, 2)}</pre>
              </Box>
            </Container>
          </>
        )}
      </SpaceBetween>
      <Modal
        visible={deleting}
        onDismiss={() => setDeleting(false)}
        header={`Delete trail ${name}?`}
        closeAriaLabel="Close dialog"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setDeleting(false)}>
                Cancel
              </Button>
              <Button variant="primary" disabled={confirmText !== name} loading={busy} onClick={() => void remove()}>
                Delete
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        <SpaceBetween size="m">
          <Box>The trail stops logging; log files already delivered stay in the bucket.</Box>
          <FormField label={`Type ${name} to confirm`}>
            <Input value={confirmText} onChange={(e) => setConfirmText(e.detail.value)} ariaLabel="Trail name to confirm deletion" />
          </FormField>
        </SpaceBetween>
      </Modal>
    </Shell>
  );
}
