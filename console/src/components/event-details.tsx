import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { ConsoleEvent } from '../events';
import { follow, href } from '../router';
import { JsonTree } from './json-tree';

function identityOf(event: ConsoleEvent): Record<string, unknown> {
  const identity = event.record.userIdentity;
  return identity !== null && typeof identity === 'object' ? (identity as Record<string, unknown>) : {};
}

/** A link to event history filtered by one attribute. */
export function historyLink(key: string, value: string): string {
  return href('/events', new URLSearchParams([['filter', `${key}:${value}`]]));
}

/** One event: summary, the resources it references (each a link to their history), and its record. */
export function EventDetails({ event }: { event: ConsoleEvent }): ReactNode {
  const identity = identityOf(event);
  const pretty = JSON.stringify(event.record, null, 2);
  return (
    <SpaceBetween size="l">
      <Container header={<Header variant="h2">Details</Header>}>
        <KeyValuePairs
          columns={3}
          items={[
            { label: 'Event time', value: event.eventTime },
            { label: 'Event name', value: <Link href={historyLink('EventName', event.eventName)} onFollow={follow}>{event.eventName}</Link> },
            { label: 'Event source', value: event.eventSource },
            { label: 'User name', value: event.username ? <Link href={historyLink('Username', event.username)} onFollow={follow}>{event.username}</Link> : '-' },
            { label: 'AWS access key', value: event.accessKeyId ? <Link href={historyLink('AccessKeyId', event.accessKeyId)} onFollow={follow}>{event.accessKeyId}</Link> : '-' },
            { label: 'AWS region', value: event.awsRegion || '-' },
            { label: 'Source IP address', value: event.sourceIPAddress || '-' },
            { label: 'Event ID', value: event.eventId },
            { label: 'Request ID', value: event.requestId || '-' },
            { label: 'Read-only', value: event.readOnly || '-' },
            { label: 'Event category', value: event.eventCategory },
            { label: 'Error code', value: event.errorCode || '-' },
            { label: 'Identity type', value: typeof identity.type === 'string' ? identity.type : '-' },
            { label: 'Principal ARN', value: typeof identity.arn === 'string' ? identity.arn : '-' },
            { label: 'User agent', value: typeof event.record.userAgent === 'string' ? event.record.userAgent : '-' },
          ]}
        />
      </Container>
      <Table
        data-testid="event-resources"
        variant="container"
        header={<Header variant="h2" counter={`(${event.resources.length})`}>Resources referenced</Header>}
        items={event.resources}
        empty={<Box textAlign="center">This event references no resources.</Box>}
        columnDefinitions={[
          { id: 'type', header: 'Resource type', cell: (r) => r.type ?? '-' },
          {
            id: 'name',
            header: 'Resource name',
            cell: (r) => (
              <Link href={historyLink('ResourceName', r.name)} onFollow={follow} ariaLabel={`Event history for ${r.name}`}>
                {r.name}
              </Link>
            ),
          },
        ]}
      />
      <Container
        header={
          <Header variant="h2" actions={<CopyToClipboard variant="button" copyButtonText="Copy JSON" copySuccessText="Event record copied" copyErrorText="Could not copy" textToCopy={pretty} />}>
            Event record
          </Header>
        }
      >
        <ColumnLayout columns={1}>
          <JsonTree value={event.record} />
          <ExpandableSection headerText="Raw record text">
            <Box variant="code">
              <pre className="cairn-raw">{event.raw}</pre>
            </Box>
          </ExpandableSection>
        </ColumnLayout>
      </Container>
    </SpaceBetween>
  );
}
