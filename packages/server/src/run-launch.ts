/**
 * Starts or resumes a run without waiting for its end: resolves once the run has started (its
 * `run.started` / `run.resumed` event, or what `watch` looks for), or with its result when it ended
 * first, and rejects when the runtime refused the request (unknown agent, invalid decisions) — so the
 * HTTP answer reports those.
 */
import type { AnyAgentryEvent, RunResult } from '@agentry/core';
import type { ServerContext } from './server-context.js';

/** How a launch went: the run continues in this process, already ended, or its input went into another run. */
export type Launch =
  | { state: 'running' }
  | { state: 'finished'; result: RunResult }
  | { state: 'steered'; runId: string; seq: number };

/** Decides from one event of the bus that the launch has gone far enough to answer (`undefined`: not yet). */
export type LaunchWatch = (event: AnyAgentryEvent) => Launch | undefined;

export function launchRun(
  context: ServerContext,
  runId: string,
  startedType: 'run.started' | 'run.resumed',
  work: () => Promise<RunResult>,
  watch: LaunchWatch = (event) =>
    event.runId === runId && event.type === startedType ? { state: 'running' } : undefined,
): Promise<Launch> {
  const runtime = context.runtime;
  return new Promise<Launch>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      outcome();
    };
    const unsubscribe = runtime.events.onAny((event: AnyAgentryEvent) => {
      const launch = watch(event);
      if (launch) settle(() => resolve(launch));
    });
    let promise: Promise<RunResult>;
    try {
      promise = work();
    } catch (error) {
      settle(() => reject(error));
      return;
    }
    context.track(runId, promise);
    promise.then(
      (result) => settle(() => resolve({ state: 'finished', result })),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
