import type { FlashbarProps } from '@cloudscape-design/components/flashbar';
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { ReactNode } from 'react';

type Message = { type: 'success' | 'error' | 'info' | 'warning'; header?: string; content: string };

interface Flash {
  items: FlashbarProps.MessageDefinition[];
  push(message: Message): void;
  error(header: string, error: unknown): void;
}

const FlashContext = createContext<Flash | undefined>(undefined);
let nextId = 0;

export function FlashProvider({ children }: { children: ReactNode }): ReactNode {
  const [messages, setMessages] = useState<(Message & { id: string })[]>([]);
  const push = useCallback((message: Message) => {
    const id = `flash-${nextId++}`;
    setMessages((list) => [...list.slice(-4), { ...message, id }]);
  }, []);
  const error = useCallback((header: string, err: unknown) => push({ type: 'error', header, content: err instanceof Error ? err.message : String(err) }), [push]);
  const items = useMemo(
    () =>
      messages.map((m) => ({
        id: m.id,
        type: m.type,
        header: m.header,
        content: m.content,
        dismissible: true,
        dismissLabel: 'Dismiss message',
        onDismiss: () => setMessages((list) => list.filter((x) => x.id !== m.id)),
      })),
    [messages],
  );
  const value = useMemo(() => ({ items, push, error }), [items, push, error]);
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
}

export function useFlash(): Flash {
  const flash = useContext(FlashContext);
  if (!flash) throw new Error('useFlash outside FlashProvider');
  return flash;
}
