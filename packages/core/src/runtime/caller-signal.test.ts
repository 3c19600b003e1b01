import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../contracts/runtime.js';
import { createRuntime } from './create-runtime.js';
import { linkedSignal } from './run-launcher.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** What a signal holds for signals derived from it: its listeners, and Node's set of dependants (when it has one). */
function held(signal: AbortSignal): number {
  const symbol = Object.getOwnPropertySymbols(signal).find((key) => key.description === 'kDependantSignals');
  const dependants =
    symbol === undefined ? undefined : (signal as never as Record<symbol, Set<unknown>>)[symbol];
  return getEventListeners(signal, 'abort').length + (dependants?.size ?? 0);
}

describe('a long-lived caller signal (a service-wide shutdown signal passed to every run)', () => {
  it('holds nothing of the runs that got it once they ended, with or without a session', async () => {
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: { m: { provider: 'scripted', script: ['done'] } },
        agents: { a: { model: 'm' } },
      },
    });
    opened.push(runtime);
    const shutdown = new AbortController();
    for (let index = 0; index < 20; index += 1) {
      const sessionId = index % 2 === 0 ? `session-${index}` : undefined;
      const result = await runtime.run({
        agent: 'a',
        input: 'go',
        signal: shutdown.signal,
        ...(sessionId ? { sessionId, sessionPolicy: 'steer' as const } : {}),
      });
      expect(result.status).toBe('completed');
    }
    expect(held(shutdown.signal)).toBe(0);
  });
});

describe('linkedSignal', () => {
  it('aborts with the reason of whichever signal aborts, and detaches from all on dispose', () => {
    const first = new AbortController();
    const second = new AbortController();
    const linked = linkedSignal([first.signal, second.signal]);
    expect(held(first.signal)).toBe(1);
    second.abort('second stopped');
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('second stopped');
    linked.dispose();
    expect(held(first.signal)).toBe(0);
  });

  it('is aborted from the start when a signal already is', () => {
    const done = new AbortController();
    done.abort('already');
    const linked = linkedSignal([new AbortController().signal, done.signal]);
    expect(linked.signal.reason).toBe('already');
    linked.dispose();
  });
});
