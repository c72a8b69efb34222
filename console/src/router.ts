import { useEffect, useState } from 'react';

/** A small history router: the app's paths live under /console. */
const BASE = '/console';

export interface Location {
  path: string;
  search: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) || '/' : '/';
  return { path, search: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function href(path: string, search?: URLSearchParams): string {
  const query = search?.toString();
  return `${BASE}${path}${query ? `?${query}` : ''}`;
}

export function navigate(path: string, search?: URLSearchParams, replace = false): void {
  const url = href(path, search);
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = (): void => setLocation(current());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return location;
}

/** A Cloudscape `onFollow` that routes in the app instead of loading a page. */
export function follow(event: CustomEvent<{ href?: string; external?: boolean }>): void {
  const target = event.detail.href;
  if (!target || event.detail.external || !target.startsWith(BASE)) return;
  event.preventDefault();
  const url = new URL(target, window.location.origin);
  navigate(url.pathname.slice(BASE.length) || '/', url.searchParams);
}
