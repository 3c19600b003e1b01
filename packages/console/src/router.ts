/** A small history-API router: the console's pages are `/`, `/runs/:id`, `/approvals`, `/agents`. */
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'runs' }
  | { page: 'run'; runId: string }
  | { page: 'approvals' }
  | { page: 'agents' }
  | { page: 'missing'; path: string };

export function parseRoute(path: string): Route {
  if (path === '/' || path === '/runs') return { page: 'runs' };
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run?.[1]) return { page: 'run', runId: decodeURIComponent(run[1]) };
  if (path === '/approvals') return { page: 'approvals' };
  if (path === '/agents') return { page: 'agents' };
  return { page: 'missing', path };
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return parseRoute(path);
}
