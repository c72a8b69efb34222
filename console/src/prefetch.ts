import { api } from './api';
import type { WireEvent } from './events';
import { searchInput, viewFromSearch } from './history-query';

export interface SearchOutput {
  Events: WireEvent[];
  NextToken?: string;
}

interface Prefetched {
  viewKey: string;
  input: Record<string, unknown>;
  result: Promise<SearchOutput>;
}

let prefetched: Prefetched | undefined;

/**
 * Opening event history directly (a shared link, a reload) asks for its first page while the app
 * is still checking the session, instead of after the page has rendered.
 */
export function prefetchHistory(pathname: string, search: string, pageSize: number): void {
  if (pathname !== '/console/events') return;
  const params = new URLSearchParams(search);
  const input = searchInput(viewFromSearch(params), Date.now());
  const result = api.call<SearchOutput>('SearchEvents', { ...input, MaxResults: pageSize });
  result.catch(() => undefined); // a signed-out visitor: the page asks again after sign-in
  prefetched = { viewKey: params.toString(), input, result };
}

/** The input a prefetch used for this view (the page must reuse it: page tokens are bound to it). */
export function prefetchedInput(viewKey: string): Record<string, unknown> | undefined {
  return prefetched?.viewKey === viewKey ? prefetched.input : undefined;
}

/** The prefetched first page for exactly this input, once: later loads (refresh) ask the server again. */
export function consumePrefetched(input: Record<string, unknown>): Promise<SearchOutput> | undefined {
  if (prefetched?.input !== input) return undefined;
  const result = prefetched.result;
  prefetched = undefined;
  return result;
}
