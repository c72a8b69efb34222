import Checkbox from '@cloudscape-design/components/checkbox';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import Wizard from '@cloudscape-design/components/wizard';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { Shell } from '../components/shell';
import { useFlash } from '../flash';
import { navigate } from '../router';
import type { Trail } from '../trails-api';

type ReadWrite = 'All' | 'ReadOnly' | 'WriteOnly' | 'None';

interface Draft {
  name: string;
  bucket: string;
  prefix: string;
  kmsKeyId: string;
  validation: boolean;
  snsTopic: string;
  multiRegion: boolean;
  globalEvents: boolean;
  selectorMode: 'basic' | 'advanced';
  readWrite: ReadWrite;
  s3DataArns: string;
  lambdaData: boolean;
  advanced: string;
  apiCallRate: boolean;
  apiErrorRate: boolean;
  startLogging: boolean;
}

const EXAMPLE_ADVANCED = JSON.stringify([{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }], null, 2);

const EMPTY: Draft = {
  name: '',
  bucket: '',
  prefix: '',
  kmsKeyId: '',
  validation: true,
  snsTopic: '',
  multiRegion: true,
  globalEvents: true,
  selectorMode: 'basic',
  readWrite: 'All',
  s3DataArns: '',
  lambdaData: false,
  advanced: EXAMPLE_ADVANCED,
  apiCallRate: false,
  apiErrorRate: false,
  startLogging: true,
};

interface EventSelector {
  ReadWriteType?: string;
  IncludeManagementEvents?: boolean;
  DataResources?: { Type: string; Values: string[] }[];
}

/** The event selectors of a draft: basic (read/write, S3 and Lambda data events) or advanced (JSON). */
function selectorsInput(draft: Draft, trailName: string): Record<string, unknown> {
  if (draft.selectorMode === 'advanced') return { TrailName: trailName, AdvancedEventSelectors: JSON.parse(draft.advanced) as unknown };
  const dataResources: { Type: string; Values: string[] }[] = [];
  const s3 = draft.s3DataArns.split(/\s+/).filter((v) => v !== '');
  if (s3.length > 0) dataResources.push({ Type: 'AWS::S3::Object', Values: s3 });
  if (draft.lambdaData) dataResources.push({ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] });
  const selector: EventSelector = {
    ReadWriteType: draft.readWrite === 'None' ? 'All' : draft.readWrite,
    IncludeManagementEvents: draft.readWrite !== 'None',
    DataResources: dataResources,
  };
  return { TrailName: trailName, EventSelectors: [selector] };
}

function insightInput(draft: Draft): { InsightType: string }[] {
  return [...(draft.apiCallRate ? [{ InsightType: 'ApiCallRateInsight' }] : []), ...(draft.apiErrorRate ? [{ InsightType: 'ApiErrorRateInsight' }] : [])];
}

/** Create or edit a trail, step by step, through the trail API (CreateTrail/UpdateTrail, Put*Selectors, StartLogging). */
export function TrailWizardPage({ name }: { name?: string }): ReactNode {
  const flash = useFlash();
  const editing = name !== undefined;
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const set = (patch: Partial<Draft>): void => setDraft((d) => ({ ...d, ...patch }));

  useEffect(() => {
    if (!editing) return;
    void (async () => {
      try {
        const { Trail: trail } = await api.call<{ Trail: Trail }>('GetTrail', { Name: name });
        const selectors = await api.call<{ EventSelectors?: (EventSelector & { DataResources?: { Type: string; Values: string[] }[] })[]; AdvancedEventSelectors?: unknown[] }>('GetEventSelectors', { TrailName: name });
        const insights = await api.call<{ InsightSelectors?: { InsightType: string }[] }>('GetInsightSelectors', { TrailName: name }).catch(() => ({ InsightSelectors: [] }));
        const basic = selectors.EventSelectors?.[0];
        const types = new Set((insights.InsightSelectors ?? []).map((i) => i.InsightType));
        setDraft({
          ...EMPTY,
          name: trail.Name,
          bucket: trail.S3BucketName,
          prefix: trail.S3KeyPrefix ?? '',
          kmsKeyId: trail.KmsKeyId ?? '',
          validation: trail.LogFileValidationEnabled === true,
          snsTopic: trail.SnsTopicName ?? '',
          multiRegion: trail.IsMultiRegionTrail === true,
          globalEvents: trail.IncludeGlobalServiceEvents !== false,
          selectorMode: selectors.AdvancedEventSelectors && selectors.AdvancedEventSelectors.length > 0 ? 'advanced' : 'basic',
          advanced: selectors.AdvancedEventSelectors && selectors.AdvancedEventSelectors.length > 0 ? JSON.stringify(selectors.AdvancedEventSelectors, null, 2) : EXAMPLE_ADVANCED,
          readWrite: basic?.IncludeManagementEvents === false ? 'None' : ((basic?.ReadWriteType as ReadWrite | undefined) ?? 'All'),
          s3DataArns: (basic?.DataResources ?? []).filter((d) => d.Type === 'AWS::S3::Object').flatMap((d) => d.Values).join('\n'),
          lambdaData: (basic?.DataResources ?? []).some((d) => d.Type === 'AWS::Lambda::Function'),
          apiCallRate: types.has('ApiCallRateInsight'),
          apiErrorRate: types.has('ApiErrorRateInsight'),
          startLogging: false,
        });
      } catch (e) {
        flash.error(`Could not load trail ${name}`, e);
      }
    })();
  }, [name]); // the flash context is stable

  const advancedError = ((): string | undefined => {
    if (draft.selectorMode !== 'advanced') return undefined;
    try {
      return Array.isArray(JSON.parse(draft.advanced)) ? undefined : 'Advanced event selectors are a JSON list.';
    } catch {
      return 'Advanced event selectors must be valid JSON.';
    }
  })();

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const trailInput = {
        Name: draft.name,
        S3BucketName: draft.bucket,
        S3KeyPrefix: draft.prefix,
        SnsTopicName: draft.snsTopic,
        KmsKeyId: draft.kmsKeyId,
        EnableLogFileValidation: draft.validation,
        IsMultiRegionTrail: draft.multiRegion,
        IncludeGlobalServiceEvents: draft.globalEvents,
      };
      if (editing) {
        await api.call('UpdateTrail', trailInput);
      } else {
        // CreateTrail takes no empty strings: unset members are left out.
        await api.call('CreateTrail', Object.fromEntries(Object.entries(trailInput).filter(([, v]) => v !== '')));
      }
      await api.call('PutEventSelectors', selectorsInput(draft, draft.name));
      const insights = insightInput(draft);
      if (insights.length > 0 || editing) await api.call('PutInsightSelectors', { TrailName: draft.name, InsightSelectors: insights });
      if (draft.startLogging) await api.call('StartLogging', { Name: draft.name });
      flash.push({ type: 'success', content: `Trail ${draft.name} ${editing ? 'updated' : 'created'}.` });
      navigate(`/trails/${encodeURIComponent(draft.name)}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const stepOneError = step === 0 && (draft.name === '' || draft.bucket === '');
  return (
    <Shell
      contentType="wizard"
      breadcrumbs={[
        { text: 'Trails', path: '/trails' },
        { text: editing ? `Edit ${name}` : 'Create trail', path: editing ? `/trails/${encodeURIComponent(name)}/edit` : '/trails/create' },
      ]}
    >
      <Wizard
        activeStepIndex={step}
        isLoadingNextStep={busy}
        onNavigate={(e) => {
          if (e.detail.reason === 'next' && (stepOneError || (step === 1 && advancedError))) {
            setError(stepOneError ? 'A trail needs a name and a bucket.' : advancedError);
            return;
          }
          setError(undefined);
          setStep(e.detail.requestedStepIndex);
        }}
        onCancel={() => navigate(editing ? `/trails/${encodeURIComponent(name)}` : '/trails')}
        onSubmit={() => void submit()}
        submitButtonText={editing ? 'Save changes' : 'Create trail'}
        i18nStrings={{
          stepNumberLabel: (n) => `Step ${n}`,
          collapsedStepsLabel: (n, total) => `Step ${n} of ${total}`,
          navigationAriaLabel: 'Steps',
          cancelButton: 'Cancel',
          previousButton: 'Previous',
          nextButton: 'Next',
          optional: 'optional',
        }}
        steps={[
          {
            title: 'Choose trail attributes',
            errorText: step === 0 ? error : undefined,
            content: (
              <SpaceBetween size="l">
                <Container header={<Header variant="h2">General details</Header>}>
                  <SpaceBetween size="m">
                    <FormField label="Trail name" description="3-128 letters, digits, periods, underscores and dashes." constraintText={editing ? 'A trail cannot be renamed.' : undefined}>
                      <Input value={draft.name} disabled={editing} onChange={(e) => set({ name: e.detail.value })} data-testid="trail-name" />
                    </FormField>
                    <FormField label="S3 bucket" description="Create a local bucket with `cairn buckets create NAME`.">
                      <Input value={draft.bucket} onChange={(e) => set({ bucket: e.detail.value })} data-testid="trail-bucket" />
                    </FormField>
                    <FormField label="Prefix" description="Log files go under PREFIX/AWSLogs/." >
                      <Input value={draft.prefix} onChange={(e) => set({ prefix: e.detail.value })} data-testid="trail-prefix" />
                    </FormField>
                    <FormField label="KMS key" description="Encrypt log files with this KMS key (ID, alias or ARN)." >
                      <Input value={draft.kmsKeyId} onChange={(e) => set({ kmsKeyId: e.detail.value })} data-testid="trail-kms" />
                    </FormField>
                    <FormField label="SNS topic" description="Notify this topic after each delivery." >
                      <Input value={draft.snsTopic} onChange={(e) => set({ snsTopic: e.detail.value })} data-testid="trail-sns" />
                    </FormField>
                    <Checkbox checked={draft.validation} onChange={(e) => set({ validation: e.detail.checked })} description="Write signed hourly digests so log files can be validated.">
                      Log file validation
                    </Checkbox>
                    <Checkbox checked={draft.multiRegion} onChange={(e) => set({ multiRegion: e.detail.checked })}>
                      Log events of every region (multi-region trail)
                    </Checkbox>
                    <Checkbox checked={draft.globalEvents} onChange={(e) => set({ globalEvents: e.detail.checked })}>
                      Include global service events (IAM, STS, CloudFront)
                    </Checkbox>
                  </SpaceBetween>
                </Container>
              </SpaceBetween>
            ),
          },
          {
            title: 'Choose log events',
            errorText: step === 1 ? error : undefined,
            content: (
              <SpaceBetween size="l">
                <Container header={<Header variant="h2">Event selectors</Header>}>
                  <SpaceBetween size="m">
                    <Tiles
                      ariaLabel="Event selector type"
                      value={draft.selectorMode}
                      onChange={(e) => set({ selectorMode: e.detail.value === 'advanced' ? 'advanced' : 'basic' })}
                      items={[
                        { value: 'basic', label: 'Basic event selectors', description: 'Management events by read/write type; S3 and Lambda data events.' },
                        { value: 'advanced', label: 'Advanced event selectors', description: 'Field conditions on eventCategory, eventName, resources.type, ...' },
                      ]}
                    />
                    {draft.selectorMode === 'basic' ? (
                      <SpaceBetween size="m">
                        <FormField label="Management events">
                          <RadioGroup
                            value={draft.readWrite}
                            onChange={(e) => set({ readWrite: e.detail.value as ReadWrite })}
                            items={[
                              { value: 'All', label: 'Read and write' },
                              { value: 'ReadOnly', label: 'Read only' },
                              { value: 'WriteOnly', label: 'Write only' },
                              { value: 'None', label: 'No management events' },
                            ]}
                          />
                        </FormField>
                        <FormField label="S3 data events" description="One S3 ARN prefix per line, e.g. arn:aws:s3:::my-bucket/">
                          <Textarea value={draft.s3DataArns} onChange={(e) => set({ s3DataArns: e.detail.value })} rows={3} />
                        </FormField>
                        <Checkbox checked={draft.lambdaData} onChange={(e) => set({ lambdaData: e.detail.checked })}>
                          Lambda data events for every function
                        </Checkbox>
                      </SpaceBetween>
                    ) : (
                      <FormField label="Advanced event selectors (JSON)" errorText={advancedError}>
                        <Textarea value={draft.advanced} onChange={(e) => set({ advanced: e.detail.value })} rows={10} spellcheck={false} />
                      </FormField>
                    )}
                  </SpaceBetween>
                </Container>
                <Container header={<Header variant="h2">Insights events</Header>}>
                  <SpaceBetween size="xs">
                    <Checkbox checked={draft.apiCallRate} onChange={(e) => set({ apiCallRate: e.detail.checked })}>
                      API call rate
                    </Checkbox>
                    <Checkbox checked={draft.apiErrorRate} onChange={(e) => set({ apiErrorRate: e.detail.checked })}>
                      API error rate
                    </Checkbox>
                  </SpaceBetween>
                </Container>
              </SpaceBetween>
            ),
          },
          {
            title: editing ? 'Review and save' : 'Review and create',
            errorText: step === 2 ? error : undefined,
            content: (
              <SpaceBetween size="l">
                <Container header={<Header variant="h2">Trail</Header>}>
                  <KeyValuePairs
                    columns={3}
                    items={[
                      { label: 'Trail name', value: draft.name },
                      { label: 'S3 bucket', value: `${draft.bucket}${draft.prefix ? `/${draft.prefix}` : ''}` },
                      { label: 'KMS key', value: draft.kmsKeyId || 'None (SSE-S3)' },
                      { label: 'SNS topic', value: draft.snsTopic || 'None' },
                      { label: 'Log file validation', value: draft.validation ? 'Enabled' : 'Disabled' },
                      { label: 'Multi-region', value: draft.multiRegion ? 'Yes' : 'No' },
                      { label: 'Event selectors', value: draft.selectorMode === 'advanced' ? 'Advanced' : `Management: ${draft.readWrite}` },
                      { label: 'Insights', value: insightInput(draft).map((i) => i.InsightType).join(', ') || 'None' },
                    ]}
                  />
                </Container>
                <Checkbox checked={draft.startLogging} onChange={(e) => set({ startLogging: e.detail.checked })}>
                  Start logging {editing ? 'after saving' : 'once the trail is created'}
                </Checkbox>
              </SpaceBetween>
            ),
          },
        ]}
      />
    </Shell>
  );
}
