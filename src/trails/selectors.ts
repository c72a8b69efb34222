import { AwsError } from '../api/index.js';
import type { AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, FieldOperator, InsightSelector } from './types.js';
import { FIELD_OPERATORS } from './types.js';

/** What a new trail logs: every management event, read and write. */
export function defaultEventSelectors(): EventSelector[] {
  return [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }];
}

const MAX_SELECTORS = 5;
const MAX_DATA_RESOURCE_VALUES = 250;
const MAX_ADVANCED_VALUES = 500;
const READ_WRITE_TYPES = new Set(['ReadOnly', 'WriteOnly', 'All']);
const EXCLUDABLE_SOURCES = new Set(['kms.amazonaws.com', 'rdsdata.amazonaws.com']);
/** Basic selectors' data resource types, and the value meaning "all of them". */
const DATA_TYPES: Record<string, { all: RegExp; arn: RegExp }> = {
  'AWS::S3::Object': { all: /^arn:aws[a-z-]*:s3$/, arn: /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/ },
  'AWS::Lambda::Function': { all: /^arn:aws[a-z-]*:lambda$/, arn: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/ },
  'AWS::DynamoDB::Table': { all: /^arn:aws[a-z-]*:dynamodb$/, arn: /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[\w.-]+$/ },
};
/** Fields a trail's advanced selectors may use. */
const TRAIL_FIELDS = new Set([
  'eventCategory',
  'readOnly',
  'eventSource',
  'eventName',
  'eventType',
  'resources.type',
  'resources.ARN',
  'errorCode',
  'vpcEndpointId',
  'userIdentity.arn',
  'sessionCredentialFromConsole',
]);
const TRAIL_CATEGORIES = new Set(['Management', 'Data', 'NetworkActivity']);
const MANAGEMENT_FIELDS = new Set(['eventCategory', 'eventSource', 'readOnly']);
const EQUALS_ONLY = new Set(['eventCategory', 'readOnly', 'resources.type']);

function invalid(message: string): AwsError {
  return new AwsError('InvalidEventSelectorsException', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new AwsError('SerializationException', `${what}: expected a list of strings`);
  return value as string[];
}

/** Basic event selectors as PutEventSelectors takes them: validated, defaults filled in. */
export function parseEventSelectors(input: unknown[]): EventSelector[] {
  if (input.length > MAX_SELECTORS) throw invalid(`You can specify up to ${MAX_SELECTORS} event selectors; you specified ${input.length}.`);
  let values = 0;
  const selectors = input.map((raw): EventSelector => {
    if (!isObject(raw)) throw new AwsError('SerializationException', 'EventSelectors: expected a list of structures');
    const readWrite = raw.ReadWriteType ?? 'All';
    if (typeof readWrite !== 'string' || !READ_WRITE_TYPES.has(readWrite)) {
      throw invalid(`Value ${JSON.stringify(readWrite)} for ReadWriteType is invalid. Valid values are ReadOnly, WriteOnly and All.`);
    }
    const include = raw.IncludeManagementEvents ?? true;
    if (typeof include !== 'boolean') throw new AwsError('SerializationException', 'IncludeManagementEvents: expected a boolean');
    const excluded = stringList(raw.ExcludeManagementEventSources, 'ExcludeManagementEventSources');
    for (const source of excluded) {
      if (!EXCLUDABLE_SOURCES.has(source)) throw invalid(`Excluded management event source ${source} is not supported. Valid values are kms.amazonaws.com and rdsdata.amazonaws.com.`);
    }
    if (raw.DataResources != null && !Array.isArray(raw.DataResources)) throw new AwsError('SerializationException', 'DataResources: expected a list');
    const resources = (raw.DataResources ?? []) as unknown[];
    const dataResources = resources.map((r): DataResource => {
      if (!isObject(r)) throw new AwsError('SerializationException', 'DataResources: expected a list of structures');
      const type = r.Type;
      if (typeof type !== 'string' || !Object.hasOwn(DATA_TYPES, type)) throw invalid(`Data resource type ${String(type)} is invalid. Valid values are AWS::S3::Object, AWS::Lambda::Function and AWS::DynamoDB::Table.`);
      const list = stringList(r.Values, 'Values');
      const rules = DATA_TYPES[type]!;
      for (const value of list) {
        if (!rules.all.test(value) && !rules.arn.test(value)) throw invalid(`Value ${value} for DataResources.Values is invalid.`);
        if (!rules.all.test(value)) values += 1;
      }
      return { Type: type, Values: list };
    });
    return { ReadWriteType: readWrite as EventSelector['ReadWriteType'], IncludeManagementEvents: include, DataResources: dataResources, ExcludeManagementEventSources: excluded };
  });
  if (values > MAX_DATA_RESOURCE_VALUES) throw invalid(`You can specify up to ${MAX_DATA_RESOURCE_VALUES} data resource values across all event selectors; you specified ${values}.`);
  return selectors;
}

/** Advanced event selectors as a trail takes them: AWS's field, operator and value rules. */
export function parseAdvancedEventSelectors(input: unknown[]): AdvancedEventSelector[] {
  let values = 0;
  const selectors = input.map((raw): AdvancedEventSelector => {
    if (!isObject(raw)) throw new AwsError('SerializationException', 'AdvancedEventSelectors: expected a list of structures');
    const name = raw.Name;
    if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > 1000)) throw invalid('Selector Name must be at most 1000 characters.');
    if (!Array.isArray(raw.FieldSelectors) || raw.FieldSelectors.length === 0) throw invalid('Each advanced event selector needs at least one field selector.');
    const seen = new Set<string>();
    const fields = (raw.FieldSelectors as unknown[]).map((f): AdvancedFieldSelector => {
      if (!isObject(f) || typeof f.Field !== 'string') throw invalid('Each field selector needs a Field.');
      const field = f.Field;
      if (field.length < 1 || field.length > 1000 || !/^[\w.]+$/.test(field)) throw invalid(`Field ${field} is not valid.`);
      if (!TRAIL_FIELDS.has(field)) throw invalid(`Field ${field} is not supported for trails.`);
      if (seen.has(field)) throw invalid(`Field ${field} appears more than once in a selector.`);
      seen.add(field);
      const out: AdvancedFieldSelector = { Field: field };
      for (const op of FIELD_OPERATORS) {
        if (f[op] === undefined || f[op] === null) continue;
        const list = stringList(f[op], op);
        if (list.length === 0) throw invalid(`Operator ${op} of field ${field} needs at least one value.`);
        for (const v of list) if (v.length < 1 || v.length > 2048) throw invalid(`Values of field ${field} must be 1 to 2048 characters.`);
        if (EQUALS_ONLY.has(field) && op !== 'Equals') throw invalid(`Field ${field} only supports the Equals operator.`);
        values += list.length;
        out[op] = list;
      }
      if (!FIELD_OPERATORS.some((op) => out[op])) throw invalid(`Field ${field} needs at least one operator.`);
      return out;
    });
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals) throw invalid('Each advanced event selector must have an eventCategory field selector with the Equals operator.');
    for (const value of category.Equals) {
      if (!TRAIL_CATEGORIES.has(value)) throw invalid(`Value ${value} for eventCategory is invalid. Valid values for trails are Management, Data and NetworkActivity.`);
    }
    const readOnly = fields.find((f) => f.Field === 'readOnly');
    for (const value of readOnly?.Equals ?? []) if (value !== 'true' && value !== 'false') throw invalid(`Value ${value} for readOnly is invalid. Valid values are true and false.`);
    if (category.Equals.includes('Management')) {
      const other = fields.find((f) => !MANAGEMENT_FIELDS.has(f.Field));
      if (other) throw invalid(`Field ${other.Field} is not supported for management events; use eventCategory, eventSource and readOnly.`);
    }
    if (category.Equals.includes('Data')) {
      const type = fields.find((f) => f.Field === 'resources.type');
      if (!type?.Equals) throw invalid('Data event selectors must have a resources.type field selector with the Equals operator.');
    }
    if (category.Equals.includes('NetworkActivity') && !fields.some((f) => f.Field === 'eventSource')) {
      throw invalid('Network activity selectors must have an eventSource field selector.');
    }
    return { ...(typeof name === 'string' ? { Name: name } : {}), FieldSelectors: fields };
  });
  if (values > MAX_ADVANCED_VALUES) throw invalid(`You can specify up to ${MAX_ADVANCED_VALUES} values across all advanced event selectors; you specified ${values}.`);
  return selectors;
}

const INSIGHT_TYPES = new Set(['ApiCallRateInsight', 'ApiErrorRateInsight']);

/** Insight selectors for a trail; each type needs the management events it learns from. */
export function parseInsightSelectors(input: unknown[], logs: { managementRead: boolean; managementWrite: boolean }): InsightSelector[] {
  return input.map((raw): InsightSelector => {
    if (!isObject(raw)) throw new AwsError('SerializationException', 'InsightSelectors: expected a list of structures');
    const type = raw.InsightType;
    if (typeof type !== 'string' || !INSIGHT_TYPES.has(type)) {
      throw new AwsError('InvalidInsightSelectorsException', `Insight type ${String(type)} is invalid. Valid values are ApiCallRateInsight and ApiErrorRateInsight.`);
    }
    const categories = stringList(raw.EventCategories, 'EventCategories');
    for (const c of categories) if (c !== 'Management' && c !== 'Data') throw new AwsError('InvalidInsightSelectorsException', `Event category ${c} is invalid for Insights.`);
    if (type === 'ApiCallRateInsight' && !logs.managementWrite) {
      throw new AwsError('InvalidInsightSelectorsException', 'ApiCallRateInsight requires the trail to log write management events.');
    }
    if (type === 'ApiErrorRateInsight' && !logs.managementRead && !logs.managementWrite) {
      throw new AwsError('InvalidInsightSelectorsException', 'ApiErrorRateInsight requires the trail to log read or write management events.');
    }
    return { InsightType: type as InsightSelector['InsightType'], ...(categories.length > 0 ? { EventCategories: categories } : {}) };
  });
}

/** Which management events a trail's selectors log (for Insights' prerequisites). */
export function managementCoverage(selectors: { eventSelectors?: EventSelector[]; advancedEventSelectors?: AdvancedEventSelector[] }): {
  managementRead: boolean;
  managementWrite: boolean;
} {
  let managementRead = false;
  let managementWrite = false;
  for (const s of selectors.eventSelectors ?? []) {
    if (!s.IncludeManagementEvents) continue;
    if (s.ReadWriteType !== 'WriteOnly') managementRead = true;
    if (s.ReadWriteType !== 'ReadOnly') managementWrite = true;
  }
  for (const s of selectors.advancedEventSelectors ?? []) {
    if (!s.FieldSelectors.find((f) => f.Field === 'eventCategory')?.Equals?.includes('Management')) continue;
    const readOnly = s.FieldSelectors.find((f) => f.Field === 'readOnly')?.Equals;
    if (!readOnly || readOnly.includes('true')) managementRead = true;
    if (!readOnly || readOnly.includes('false')) managementWrite = true;
  }
  return { managementRead, managementWrite };
}

/** What selectors look at in one event. */
export interface SelectableEvent {
  category: string;
  readOnly: boolean | undefined;
  eventSource: string;
  eventName: string;
  eventType?: string;
  errorCode?: string;
  vpcEndpointId?: string;
  userIdentityArn?: string;
  sessionCredentialFromConsole?: string;
  resources: { type?: string; arn?: string }[];
}

/** An event is logged when any selector matches it. */
export function matchesEventSelectors(selectors: readonly EventSelector[], event: SelectableEvent): boolean {
  return selectors.some((s) => matchesBasic(s, event));
}

function matchesBasic(s: EventSelector, e: SelectableEvent): boolean {
  if (s.ReadWriteType === 'ReadOnly' && e.readOnly !== true) return false;
  if (s.ReadWriteType === 'WriteOnly' && e.readOnly === true) return false;
  if (e.category === 'Management') return s.IncludeManagementEvents && !s.ExcludeManagementEventSources.includes(e.eventSource);
  if (e.category !== 'Data') return false;
  return s.DataResources.some((d) =>
    e.resources.some((r) => r.type === d.Type && r.arn !== undefined && d.Values.some((v) => dataValueMatches(d.Type, v, r.arn!))),
  );
}

function dataValueMatches(type: string, value: string, arn: string): boolean {
  const rules = DATA_TYPES[type];
  if (rules?.all.test(value)) return true;
  // Lambda function ARNs name one function exactly; S3 and DynamoDB values are prefixes.
  if (type === 'AWS::Lambda::Function') return arn === value;
  return arn.startsWith(value);
}

export function matchesAdvancedSelectors(selectors: readonly AdvancedEventSelector[], event: SelectableEvent): boolean {
  return selectors.some((s) => s.FieldSelectors.every((f) => fieldMatches(f, fieldValues(f.Field, event))));
}

function fieldValues(field: string, e: SelectableEvent): (string | undefined)[] {
  switch (field) {
    case 'eventCategory':
      return [e.category];
    case 'readOnly':
      return [e.readOnly === undefined ? undefined : String(e.readOnly)];
    case 'eventSource':
      return [e.eventSource];
    case 'eventName':
      return [e.eventName];
    case 'eventType':
      return [e.eventType];
    case 'errorCode':
      return [e.errorCode];
    case 'vpcEndpointId':
      return [e.vpcEndpointId];
    case 'userIdentity.arn':
      return [e.userIdentityArn];
    case 'sessionCredentialFromConsole':
      return [e.sessionCredentialFromConsole];
    case 'resources.type':
      return e.resources.length > 0 ? e.resources.map((r) => r.type) : [undefined];
    case 'resources.ARN':
      return e.resources.length > 0 ? e.resources.map((r) => r.arn) : [undefined];
    default:
      return [undefined];
  }
}

const TESTS: Record<FieldOperator, (value: string, operand: string) => boolean> = {
  Equals: (v, o) => v === o,
  StartsWith: (v, o) => v.startsWith(o),
  EndsWith: (v, o) => v.endsWith(o),
  NotEquals: (v, o) => v !== o,
  NotStartsWith: (v, o) => !v.startsWith(o),
  NotEndsWith: (v, o) => !v.endsWith(o),
};
const POSITIVE: FieldOperator[] = ['Equals', 'StartsWith', 'EndsWith'];
const NEGATIVE: FieldOperator[] = ['NotEquals', 'NotStartsWith', 'NotEndsWith'];

/** Positive operators' values are OR'ed; every negative condition must hold. A multi-valued field matches when any value does. */
function fieldMatches(f: AdvancedFieldSelector, values: (string | undefined)[]): boolean {
  return values.some((value) => {
    const positives = POSITIVE.filter((op) => f[op]);
    if (positives.length > 0 && (value === undefined || !positives.some((op) => f[op]!.some((o) => TESTS[op](value, o))))) return false;
    for (const op of NEGATIVE) {
      if (!f[op]) continue;
      if (value === undefined) continue;
      if (!f[op].every((o) => TESTS[op](value, o))) return false;
    }
    return true;
  });
}
