import AppLayout from '@cloudscape-design/components/app-layout';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Flashbar from '@cloudscape-design/components/flashbar';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import type { SplitPanelProps } from '@cloudscape-design/components/split-panel';
import SplitPanel from '@cloudscape-design/components/split-panel';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useFlash } from '../flash';
import { follow, href, useLocation } from '../router';

const NAV = [
  { type: 'link' as const, text: 'Dashboard', href: href('/') },
  { type: 'link' as const, text: 'Event history', href: href('/events') },
  { type: 'link' as const, text: 'Trails', href: href('/trails') },
  { type: 'link' as const, text: 'Log files', href: href('/log-files') },
  { type: 'link' as const, text: 'Query', href: href('/query') },
];

export interface ShellProps {
  breadcrumbs: { text: string; path: string }[];
  children: ReactNode;
  splitPanel?: { header: string; content: ReactNode; onClose: () => void };
  contentType?: 'default' | 'table' | 'form' | 'wizard' | 'dashboard';
}

/** The page frame every page shares: navigation, breadcrumbs, flash messages, split panel. */
export function Shell({ breadcrumbs, children, splitPanel, contentType }: ShellProps): ReactNode {
  const flash = useFlash();
  const location = useLocation();
  const [navigationOpen, setNavigationOpen] = useState(true);
  const [splitSize, setSplitSize] = useState(480);
  const active = NAV.filter((n) => n.href !== href('/')).find((n) => href(location.path).startsWith(n.href))?.href ?? href('/');
  const i18n: SplitPanelProps.I18nStrings = {
    preferencesTitle: 'Split panel preferences',
    preferencesPositionLabel: 'Split panel position',
    preferencesPositionDescription: 'Choose the default split panel position.',
    preferencesPositionSide: 'Side',
    preferencesPositionBottom: 'Bottom',
    preferencesConfirm: 'Confirm',
    preferencesCancel: 'Cancel',
    closeButtonAriaLabel: 'Close event details',
    openButtonAriaLabel: 'Open event details',
    resizeHandleAriaLabel: 'Resize event details',
  };
  return (
    <AppLayout
      contentType={contentType ?? 'default'}
      navigationOpen={navigationOpen}
      onNavigationChange={(e) => setNavigationOpen(e.detail.open)}
      navigation={<SideNavigation header={{ text: 'Cairn CloudTrail', href: href('/') }} activeHref={active} items={NAV} onFollow={follow} />}
      notifications={<Flashbar items={flash.items} stackItems={false} />}
      breadcrumbs={<BreadcrumbGroup ariaLabel="Breadcrumbs" items={[{ text: 'Cairn', href: href('/') }, ...breadcrumbs.map((b) => ({ text: b.text, href: href(b.path) }))]} onFollow={follow} />}
      toolsHide
      ariaLabels={{ navigation: 'Side navigation', navigationClose: 'Close side navigation', navigationToggle: 'Open side navigation', notifications: 'Notifications' }}
      splitPanelOpen={splitPanel !== undefined}
      onSplitPanelToggle={(e) => {
        if (!e.detail.open) splitPanel?.onClose();
      }}
      splitPanelSize={splitSize}
      onSplitPanelResize={(e) => setSplitSize(e.detail.size)}
      splitPanelPreferences={{ position: 'side' }}
      splitPanel={
        splitPanel ? (
          <SplitPanel header={splitPanel.header} i18nStrings={i18n} hidePreferencesButton>
            {splitPanel.content}
          </SplitPanel>
        ) : undefined
      }
      content={children}
    />
  );
}
