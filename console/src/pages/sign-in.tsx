import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode } from 'react';
import { useState } from 'react';
import type { SessionInfo } from '../api';
import { api } from '../api';

/** Sign-in with the same access key and secret as the API; the session lives in an HttpOnly cookie. */
export function SignInPage({ notice, onSignedIn }: { notice: string | undefined; onSignedIn: (s: SessionInfo) => void }): ReactNode {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [region, setRegion] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.signIn(accessKeyId, secret, region.trim()));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <main style={{ maxWidth: 520, margin: '64px auto', padding: '0 16px' }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form
          header={<Header variant="h1" description="Cairn: a self-hosted AWS CloudTrail">Sign in</Header>}
          actions={
            <Button variant="primary" formAction="submit" loading={busy} data-testid="sign-in">
              Sign in
            </Button>
          }
          errorText={error}
        >
          <SpaceBetween size="l">
            {notice ? <Alert type="info">{notice}</Alert> : null}
            <Container>
              <SpaceBetween size="m">
                <FormField label="Access key ID" description="The same credentials the AWS CLI uses with Cairn.">
                  <Input value={accessKeyId} onChange={(e) => setAccessKeyId(e.detail.value)} autoComplete="username" name="accessKeyId" data-testid="access-key-id" />
                </FormField>
                <FormField label="Secret access key">
                  <Input value={secret} type="password" onChange={(e) => setSecret(e.detail.value)} autoComplete="current-password" name="secretAccessKey" data-testid="secret-access-key" />
                </FormField>
                <FormField label="Region" description="Events and trails are shown for this region." secondaryControl={null}>
                  <Input value={region} placeholder="the server's default region" onChange={(e) => setRegion(e.detail.value)} name="region" data-testid="region" />
                </FormField>
              </SpaceBetween>
            </Container>
            <Box color="text-body-secondary" fontSize="body-s">
              Sign-ins are recorded in event history as ConsoleLogin events, failed ones too.
            </Box>
          </SpaceBetween>
        </Form>
      </form>
    </main>
  );
}
