import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudtrailModel } from '../api/index.js';
import { CAIRN_TARGET_PREFIX } from '../gateway/index.js';
import type { ClientConfig } from './api-client.js';
import { JsonApiClient } from './api-client.js';
import { renderTable } from './table.js';

export interface LookupFlags {
  lookupAttributes?: string[];
  startTime?: string;
  endTime?: string;
  eventCategory?: string;
  maxItems?: string;
  startingToken?: string;
  pageSize?: string;
  endpointUrl: string;
  region?: string;
  dataDir: string;
  output: string;
  /** Combined search (beyond AWS): several attributes at once, free text, several categories. */
  text?: string;
  categories?: string[];
}

/** `cairn lookup-events`: the AWS CLI's flags and JSON output; several attributes switch to SearchEvents. */
export async function lookupEventsCommand(flags: LookupFlags): Promise<void> {
  const client = new JsonApiClient(clientConfig(flags));
  const attributes = (flags.lookupAttributes ?? []).flatMap(parseAttributes);
  const combined = attributes.length > 1 || flags.text !== undefined || flags.categories !== undefined;
  const target = combined ? `${CAIRN_TARGET_PREFIX}.SearchEvents` : `${cloudtrailModel.metadata.targetPrefix}.LookupEvents`;
  const input: Record<string, unknown> = {};
  if (attributes.length > 0) input.LookupAttributes = attributes;
  if (flags.startTime) input.StartTime = parseTime(flags.startTime, '--start-time');
  if (flags.endTime) input.EndTime = parseTime(flags.endTime, '--end-time');
  if (flags.eventCategory) input.EventCategory = flags.eventCategory;
  if (flags.text !== undefined) input.Text = flags.text;
  if (flags.categories) input.EventCategories = flags.categories;
  if (flags.pageSize) input.MaxResults = positive(flags.pageSize, '--page-size');
  const maxItems = flags.maxItems ? positive(flags.maxItems, '--max-items') : Infinity;

  const start = flags.startingToken ? readStartingToken(flags.startingToken) : { token: undefined, skip: 0 };
  const events: unknown[] = [];
  let token = start.token;
  let skip = start.skip;
  let resume: string | undefined;
  for (;;) {
    const page = await client.call(target, token === undefined ? input : { ...input, NextToken: token });
    const pageEvents = ((page.Events as unknown[] | undefined) ?? []).slice(skip);
    const room = maxItems - events.length;
    if (pageEvents.length > room) {
      events.push(...pageEvents.slice(0, room));
      resume = startingToken(token ?? null, skip + room);
      break;
    }
    events.push(...pageEvents);
    skip = 0;
    token = typeof page.NextToken === 'string' ? page.NextToken : undefined;
    if (token === undefined) break;
    if (events.length >= maxItems) {
      resume = startingToken(token, 0);
      break;
    }
  }
  const result: Record<string, unknown> = { Events: events };
  if (resume) result.NextToken = resume;
  process.stdout.write(flags.output === 'table' ? renderTable(events as Record<string, unknown>[]) : JSON.stringify(result, null, 4) + '\n');
}

/** Accepts the AWS CLI's shorthand `AttributeKey=k,AttributeValue=v` or its JSON list form. */
export function parseAttributes(text: string): { AttributeKey: string; AttributeValue: string }[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]) as { AttributeKey: string; AttributeValue: string }[];
  }
  const match = /^AttributeKey=([^,]*),AttributeValue=(.*)$/s.exec(trimmed);
  if (!match) throw new Error(`--lookup-attributes expects AttributeKey=<key>,AttributeValue=<value>, not ${text}`);
  return [{ AttributeKey: match[1] ?? '', AttributeValue: match[2] ?? '' }];
}

function parseTime(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text) / 1000;
  if (Number.isNaN(value)) throw new Error(`${flag}: cannot read ${text} as a time`);
  return value;
}

function positive(text: string, flag: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new Error(`${flag} must be a positive whole number`);
  return Number(text);
}

/** The AWS CLI's pagination token: base64 of {"NextToken", "boto_truncate_amount"}. */
function startingToken(serviceToken: string | null, truncate: number): string {
  const body: Record<string, unknown> = { NextToken: serviceToken };
  if (truncate > 0) body.boto_truncate_amount = truncate;
  // Python's json.dumps spacing, so the token is byte for byte the AWS CLI's.
  const text = Object.entries(body)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ');
  return Buffer.from(`{${text}}`).toString('base64');
}

function readStartingToken(token: string): { token: string | undefined; skip: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { NextToken?: unknown; boto_truncate_amount?: unknown };
    return {
      token: typeof parsed.NextToken === 'string' ? parsed.NextToken : undefined,
      skip: typeof parsed.boto_truncate_amount === 'number' ? parsed.boto_truncate_amount : 0,
    };
  } catch {
    throw new Error('--starting-token is not a token this command printed');
  }
}

/** Credentials from the environment, else the admin key file of the data directory. */
export function clientConfig(flags: Pick<LookupFlags, 'dataDir' | 'endpointUrl' | 'region'>): ClientConfig {
  const env = { ...process.env };
  const keyFile = join(flags.dataDir, 'admin-key.env');
  if (!env.AWS_ACCESS_KEY_ID && existsSync(keyFile)) {
    for (const line of readFileSync(keyFile, 'utf8').split('\n')) {
      const match = /^export (\w+)=(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2];
    }
  }
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw new Error(`no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where ${keyFile} exists`);
  }
  return {
    endpoint: flags.endpointUrl,
    region: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}
