import '@cloudscape-design/global-styles/index.css';
import './styles.css';
import { I18nProvider } from '@cloudscape-design/components/i18n';
import messages from '@cloudscape-design/components/i18n/messages/all.en';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { FlashProvider } from './flash';
import { PAGE_SIZE } from './pages/event-history';
import { prefetchHistory } from './prefetch';

prefetchHistory(window.location.pathname, window.location.search, PAGE_SIZE);

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nProvider locale="en" messages={[messages]}>
      <FlashProvider>
        <App />
      </FlashProvider>
    </I18nProvider>
  </StrictMode>,
);
