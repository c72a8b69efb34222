import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsError } from '../api/index.js';
import type { SelectableEvent } from './selectors.js';
import {
  managementCoverage,
  matchesAdvancedSelectors,
  matchesEventSelectors,
  parseAdvancedEventSelectors,
  parseEventSelectors,
  parseInsightSelectors,
} from './selectors.js';

const management = (over: Partial<SelectableEvent> = {}): SelectableEvent => ({
  category: 'Management',
  readOnly: false,
  eventSource: 'ec2.amazonaws.com',
  eventName: 'RunInstances',
  resources: [],
  ...over,
});
const s3Data = (arn: string, readOnly: boolean): SelectableEvent => ({
  category: 'Data',
  readOnly,
  eventSource: 's3.amazonaws.com',
  eventName: readOnly ? 'GetObject' : 'PutObject',
  resources: [{ type: 'AWS::S3::Object', arn }],
});

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as AwsError).code;
  }
  assert.fail('no error');
}

void describe('basic event selectors', () => {
  void it('fills in AWS defaults', () => {
    assert.deepEqual(parseEventSelectors([{}]), [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }]);
  });

  void it('match management events by read/write type and excluded sources', () => {
    const [writes] = parseEventSelectors([{ ReadWriteType: 'WriteOnly', ExcludeManagementEventSources: ['kms.amazonaws.com'] }]);
    assert.equal(matchesEventSelectors([writes!], management()), true);
    assert.equal(matchesEventSelectors([writes!], management({ readOnly: true })), false);
    assert.equal(matchesEventSelectors([writes!], management({ eventSource: 'kms.amazonaws.com' })), false);
    const [reads] = parseEventSelectors([{ ReadWriteType: 'ReadOnly' }]);
    assert.equal(matchesEventSelectors([reads!], management({ readOnly: true })), true);
    assert.equal(matchesEventSelectors([reads!], management()), false);
    const [none] = parseEventSelectors([{ IncludeManagementEvents: false }]);
    assert.equal(matchesEventSelectors([none!], management()), false);
  });

  void it('match data events by ARN prefix; Lambda functions exactly; "arn:aws:s3" means every bucket', () => {
    const selectors = parseEventSelectors([
      { IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::bucket-a/logs'] }] },
      { IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda:us-east-1:111122223333:function:f'] }] },
    ]);
    assert.equal(matchesEventSelectors(selectors, s3Data('arn:aws:s3:::bucket-a/logs/x', false)), true);
    assert.equal(matchesEventSelectors(selectors, s3Data('arn:aws:s3:::bucket-a/other', false)), false);
    assert.equal(matchesEventSelectors(selectors, management()), false);
    const lambda = (arn: string): SelectableEvent => ({ ...s3Data(arn, false), eventSource: 'lambda.amazonaws.com', resources: [{ type: 'AWS::Lambda::Function', arn }] });
    assert.equal(matchesEventSelectors(selectors, lambda('arn:aws:lambda:us-east-1:111122223333:function:f')), true);
    assert.equal(matchesEventSelectors(selectors, lambda('arn:aws:lambda:us-east-1:111122223333:function:f2')), false);
    const all = parseEventSelectors([{ ReadWriteType: 'ReadOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }]);
    assert.equal(matchesEventSelectors(all, s3Data('arn:aws:s3:::other-bucket/thing', true)), true);
    assert.equal(matchesEventSelectors(all, s3Data('arn:aws:s3:::other-bucket/thing', false)), false, 'ReadWriteType applies to data events');
  });

  void it('reject what AWS rejects', () => {
    assert.equal(code(() => parseEventSelectors(Array.from({ length: 6 }, () => ({})))), 'InvalidEventSelectorsException');
    assert.equal(code(() => parseEventSelectors([{ ReadWriteType: 'Both' }])), 'InvalidEventSelectorsException');
    assert.equal(code(() => parseEventSelectors([{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['s3://bucket'] }] }])), 'InvalidEventSelectorsException');
    assert.equal(code(() => parseEventSelectors([{ IncludeManagementEvents: 'yes' }])), 'SerializationException');
    // "All" values don't count towards the 250.
    const many = Array.from({ length: 250 }, (_, i) => `arn:aws:s3:::b${i}x/`);
    assert.equal(parseEventSelectors([{ DataResources: [{ Type: 'AWS::S3::Object', Values: [...many, 'arn:aws:s3'] }] }]).length, 1);
  });
});

void describe('advanced event selectors', () => {
  void it('AND field selectors, OR positive values, require every negative condition', () => {
    const selectors = parseAdvancedEventSelectors([
      {
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Management'] },
          { Field: 'eventSource', NotEquals: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] },
          { Field: 'readOnly', Equals: ['false'] },
        ],
      },
      {
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::a/', 'arn:aws:s3:::b/'], NotEndsWith: ['.tmp'] },
          { Field: 'eventName', NotStartsWith: ['Get'] },
        ],
      },
    ]);
    assert.equal(matchesAdvancedSelectors(selectors, management()), true);
    assert.equal(matchesAdvancedSelectors(selectors, management({ readOnly: true })), false);
    assert.equal(matchesAdvancedSelectors(selectors, management({ eventSource: 'rdsdata.amazonaws.com' })), false);
    assert.equal(matchesAdvancedSelectors(selectors, s3Data('arn:aws:s3:::b/file', false)), true);
    assert.equal(matchesAdvancedSelectors(selectors, s3Data('arn:aws:s3:::b/file.tmp', false)), false);
    assert.equal(matchesAdvancedSelectors(selectors, s3Data('arn:aws:s3:::c/file', false)), false);
    assert.equal(matchesAdvancedSelectors(selectors, s3Data('arn:aws:s3:::a/file', true)), false, 'GetObject excluded by NotStartsWith');
  });

  void it('enforce the field, operator and category rules for trails', () => {
    const bad = (fields: unknown[]): string => code(() => parseAdvancedEventSelectors([{ FieldSelectors: fields }]));
    assert.equal(bad([]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventSource', Equals: ['x'] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Insight'] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', NotEquals: ['Data'] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['yes'] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'resources.ARN', StartsWith: ['arn:'] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Data'] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['NetworkActivity'] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource' }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', Equals: [] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', Equals: ['x'.repeat(2049)] }]), 'InvalidEventSelectorsException');
    assert.equal(bad([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventCategory', Equals: ['Management'] }]), 'InvalidEventSelectorsException');
    assert.equal(code(() => parseAdvancedEventSelectors([{ Name: 'n'.repeat(1001), FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }])), 'InvalidEventSelectorsException');
  });
});

void describe('insight selectors', () => {
  void it('need the management events each insight type learns from', () => {
    const readsOnly = managementCoverage({ eventSelectors: parseEventSelectors([{ ReadWriteType: 'ReadOnly' }]) });
    assert.deepEqual(readsOnly, { managementRead: true, managementWrite: false });
    assert.equal(code(() => parseInsightSelectors([{ InsightType: 'ApiCallRateInsight' }], readsOnly)), 'InvalidInsightSelectorsException');
    assert.deepEqual(parseInsightSelectors([{ InsightType: 'ApiErrorRateInsight' }], readsOnly), [{ InsightType: 'ApiErrorRateInsight' }]);
    const none = managementCoverage({ advancedEventSelectors: parseAdvancedEventSelectors([{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }]) });
    assert.equal(code(() => parseInsightSelectors([{ InsightType: 'ApiErrorRateInsight' }], none)), 'InvalidInsightSelectorsException');
    assert.equal(code(() => parseInsightSelectors([{ InsightType: 'ApiCallRateInsight', EventCategories: ['Insight'] }], { managementRead: true, managementWrite: true })), 'InvalidInsightSelectorsException');
  });
});
