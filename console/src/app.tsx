import Spinner from '@cloudscape-design/components/spinner';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import type { ReactNode } from 'react';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { SessionInfo } from './api';
import { api, ApiError, whenSignedOut } from './api';
import { EventHistoryPage } from './pages/event-history';
import { SignInPage } from './pages/sign-in';
import { href, useLocation } from './router';
import { SessionContext } from './session';

// Event history is in the first bundle (the page people open most, and the one measured); the
// other pages load on first visit, so their components (charts, wizard, modal) do not slow it.
const DashboardPage = lazy(() => import('./pages/dashboard').then((m) => ({ default: m.DashboardPage })));
const LogFilesPage = lazy(() => import('./pages/log-files').then((m) => ({ default: m.LogFilesPage })));
const TrailDetailPage = lazy(() => import('./pages/trail-detail').then((m) => ({ default: m.TrailDetailPage })));
const TrailWizardPage = lazy(() => import('./pages/trail-wizard').then((m) => ({ default: m.TrailWizardPage })));
const QueryPage = lazy(() => import('./pages/query').then((m) => ({ default: m.QueryPage })));
const TrailsPage = lazy(() => import('./pages/trails').then((m) => ({ default: m.TrailsPage })));

function Loading(): ReactNode {
  return (
    <main style={{ padding: 48 }} aria-busy="true">
      <Spinner size="large" /> Loading
    </main>
  );
}

function Page({ path }: { path: string }): ReactNode {
  if (path === '/events') return <EventHistoryPage />;
  if (path === '/trails') return <TrailsPage />;
  if (path === '/trails/create') return <TrailWizardPage />;
  const edit = /^\/trails\/([^/]+)\/edit$/.exec(path);
  if (edit?.[1]) return <TrailWizardPage name={decodeURIComponent(edit[1])} />;
  const trail = /^\/trails\/([^/]+)$/.exec(path);
  if (trail?.[1]) return <TrailDetailPage name={decodeURIComponent(trail[1])} />;
  if (path === '/log-files') return <LogFilesPage />;
  if (path === '/query') return <QueryPage />;
  return <DashboardPage />;
}

export function App(): ReactNode {
  const location = useLocation();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>();
  useEffect(() => {
    whenSignedOut((message) => {
      setNotice(message);
      setSession(null);
    });
    api
      .session()
      .then(setSession)
      .catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 401)) setNotice(error instanceof Error ? error.message : String(error));
        setSession(null);
      });
  }, []);
  if (session === undefined) return <Loading />;
  if (session === null) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }
  const name = session.principal.userName ?? session.principal.arn ?? session.accessKeyId;
  return (
    <SessionContext.Provider value={session}>
      <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{ href: href('/'), title: 'Cairn CloudTrail' }}
          utilities={[
            { type: 'button', text: `${session.region}`, ariaLabel: `Region ${session.region}`, disableUtilityCollapse: true },
            {
              type: 'menu-dropdown',
              text: name,
              description: `Account ${session.accountId}`,
              iconName: 'user-profile',
              ariaLabel: `Signed in as ${name}`,
              items: [
                { id: 'arn', text: session.principal.arn ?? session.accessKeyId, disabled: true },
                { id: 'expires', text: `Session ends ${new Date(session.expiresAt).toLocaleString()}`, disabled: true },
                { id: 'signout', text: 'Sign out' },
              ],
              onItemClick: (e) => {
                if (e.detail.id !== 'signout') return;
                void api.signOut().finally(() => {
                  setNotice('You signed out.');
                  setSession(null);
                });
              },
            },
          ]}
        />
      </div>
      <Suspense fallback={<Loading />}>
        <Page path={location.path} />
      </Suspense>
    </SessionContext.Provider>
  );
}
