/** Runs one segment of a run (fresh start or resume): session lease, preparation, the loop, and cleanup. */
import type { RunResult } from '../../contracts/run.js';
import { serializeError } from '../../errors/agentry-error.js';
import type { RunContext } from '../state/run-context.js';
import { driveRun } from './run-loop.js';
import { stopRun } from './run-outcome.js';
import { acquireSessionLease, type SessionLease } from './session-lease.js';

/**
 * Takes the session lease (runs without an explicit session skip it), runs
 * `prepare` (memory inject on the fresh path), drives the pattern, then
 * releases the lease, stops the timers and waits until every event has been
 * delivered. Never throws: when even recording the ending fails, the result
 * says so.
 */
export async function executeSegment(
  run: RunContext,
  explicitSession: boolean,
  prepare?: (run: RunContext) => Promise<void>,
): Promise<RunResult> {
  const { snapshot, services } = run;
  let lease: SessionLease | undefined;
  try {
    try {
      if (explicitSession) {
        lease = await acquireSessionLease(
          services.store,
          snapshot.sessionId,
          snapshot.runId,
          snapshot.sessionPolicy
            ? { ...run.agent.session, onBusy: snapshot.sessionPolicy }
            : run.agent.session,
          run.abort.signal,
        );
      }
      if (prepare) await prepare(run);
    } catch (error) {
      return await stopRun(run, error);
    }
    return await driveRun(run);
  } catch (error) {
    const serialized = serializeError(error);
    services.logger.error('could not record the end of a run', { runId: snapshot.runId, ...serialized });
    return {
      runId: snapshot.runId,
      sessionId: snapshot.sessionId,
      agentId: snapshot.agentId,
      status: 'failed',
      stopReason: 'error',
      output: '',
      usage: { ...snapshot.usage },
      pending: [],
      error: serialized,
    };
  } finally {
    if (lease) {
      await lease.release().catch((error: unknown) =>
        services.logger.warn('could not release a session lease', {
          sessionId: snapshot.sessionId,
          message: error instanceof Error ? error.message : String(error),
        }),
      );
    }
    run.abort.dispose();
    const delivering = run.recorder.settled();
    if (delivering) await delivering;
  }
}
