import { createContext, useContext } from 'react';
import type { SessionInfo } from './api';

export const SessionContext = createContext<SessionInfo | undefined>(undefined);

export function useSession(): SessionInfo {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** Preferences are remembered per principal (and account), in this browser. */
export function preferenceKey(session: SessionInfo, name: string): string {
  return `cairn.console.${name}.${session.principal.arn ?? session.accessKeyId}`;
}
