/** Events as the console shows them: LookupEvents' Event shape plus the record's own fields. */

export interface WireEvent {
  EventId: string;
  EventName: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources?: { ResourceType?: string; ResourceName: string }[];
  CloudTrailEvent: string;
}

export interface ConsoleEvent {
  eventId: string;
  eventName: string;
  eventTime: string;
  username: string;
  eventSource: string;
  resourceTypes: string;
  resourceNames: string;
  resources: { type?: string; name: string }[];
  accessKeyId: string;
  awsRegion: string;
  errorCode: string;
  sourceIPAddress: string;
  readOnly: string;
  requestId: string;
  eventCategory: string;
  record: Record<string, unknown>;
  raw: string;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function toConsoleEvent(event: WireEvent): ConsoleEvent {
  let record: Record<string, unknown> = {};
  try {
    record = JSON.parse(event.CloudTrailEvent) as Record<string, unknown>;
  } catch {
    // An unreadable record still shows its indexed fields.
  }
  const resources = (event.Resources ?? []).map((r) => ({ ...(r.ResourceType ? { type: r.ResourceType } : {}), name: r.ResourceName }));
  return {
    eventId: event.EventId,
    eventName: event.EventName,
    eventTime: new Date(event.EventTime * 1000).toISOString().replace('.000Z', 'Z'),
    username: event.Username ?? '',
    eventSource: event.EventSource,
    resourceTypes: [...new Set(resources.map((r) => r.type).filter((t): t is string => t !== undefined))].join(', '),
    resourceNames: resources.map((r) => r.name).join(', '),
    resources,
    accessKeyId: event.AccessKeyId ?? '',
    awsRegion: text(record.awsRegion),
    errorCode: text(record.errorCode),
    sourceIPAddress: text(record.sourceIPAddress),
    readOnly: event.ReadOnly ?? '',
    requestId: text(record.requestID),
    eventCategory: text(record.eventCategory) || 'Management',
    record,
    raw: event.CloudTrailEvent,
  };
}

/** The columns: the event's text fields. */
export type ColumnId = { [K in keyof ConsoleEvent]: ConsoleEvent[K] extends string ? K : never }[keyof ConsoleEvent];

/** Every CloudTrail column, in AWS's order. */
export const COLUMNS: readonly { id: ColumnId; header: string; csv: string; visible: boolean }[] = [
  { id: 'eventName', header: 'Event name', csv: 'Event name', visible: true },
  { id: 'eventTime', header: 'Event time', csv: 'Event time', visible: true },
  { id: 'username', header: 'User name', csv: 'User name', visible: true },
  { id: 'eventSource', header: 'Event source', csv: 'Event source', visible: true },
  { id: 'resourceTypes', header: 'Resource type', csv: 'Resource type', visible: true },
  { id: 'resourceNames', header: 'Resource name', csv: 'Resource name', visible: true },
  { id: 'accessKeyId', header: 'AWS access key', csv: 'AWS access key', visible: false },
  { id: 'awsRegion', header: 'AWS region', csv: 'AWS region', visible: false },
  { id: 'errorCode', header: 'Error code', csv: 'Error code', visible: false },
  { id: 'sourceIPAddress', header: 'Source IP address', csv: 'Source IP address', visible: false },
  { id: 'readOnly', header: 'Read-only', csv: 'Read-only', visible: false },
  { id: 'eventId', header: 'Event ID', csv: 'Event ID', visible: false },
  { id: 'requestId', header: 'Request ID', csv: 'Request ID', visible: false },
  { id: 'eventCategory', header: 'Event category', csv: 'Event category', visible: false },
];

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV of every column (as AWS's download does), one row per event. */
export function toCsv(events: readonly ConsoleEvent[]): string {
  const lines = [COLUMNS.map((c) => csvCell(c.csv)).join(',')];
  for (const event of events) lines.push(COLUMNS.map((c) => csvCell(event[c.id])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** JSON as AWS's download: `{"Records":[...]}` of the records themselves. */
export function toJson(events: readonly ConsoleEvent[]): string {
  return JSON.stringify({ Records: events.map((e) => e.record) }, null, 2);
}

export function downloadFile(name: string, type: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
