/** Live events of every run, from one SSE connection the app opens; pages subscribe by event type prefix. */
import { useEffect, useRef } from 'react';
import { follow, type RunEvent } from './api';

type Listener = (event: RunEvent) => void;
const listeners = new Set<Listener>();
let stop: (() => void) | undefined;

/** Opens the shared stream (once). */
export function startLive(): () => void {
  stop ??= follow('/api/v1/events/stream', (event) => {
    for (const listener of listeners) listener(event);
  });
  return () => {
    stop?.();
    stop = undefined;
  };
}

/** Calls `onEvent` for live events whose type starts with one of `prefixes`, debounced to one call per `ms`. */
export function useLive(prefixes: readonly string[], onEvent: () => void, ms = 250): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  const key = prefixes.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wanted = key.split(',');
    const listener: Listener = (event) => {
      if (!wanted.some((prefix) => event.type.startsWith(prefix))) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        latest.current();
      }, ms);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (timer) clearTimeout(timer);
    };
  }, [key, ms]);
}
