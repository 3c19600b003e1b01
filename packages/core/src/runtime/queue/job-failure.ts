/** A job whose run could not be driven: the run is marked failed instead of staying `queued` forever. */
import type { RunJob } from '../../contracts/queue.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import { runLeaseName } from '../durability/run-lease.js';
import type { QueueHost } from './queued-runs.js';

/** True for an error worth offering the job again for (a store or service that is down for a moment). */
export function transient(error: unknown): boolean {
  return isAgentryError(error) && error.retryable;
}

/**
 * Ends the run of a job that failed for good (its handler threw a lasting error: the agent is gone
 * from the config, the checkpoint cannot be read, …): under the run lease, a run still `queued` or
 * `running` is marked `failed` with `run.job_failed` naming the cause. A run another process holds is
 * left to it. Returns true when the run was marked.
 */
export async function failRunOfJob(host: QueueHost, job: RunJob, error: unknown): Promise<boolean> {
  const record = await host.records.get(job.runId);
  if (!record || (record.status !== 'queued' && record.status !== 'running')) return false;
  const name = runLeaseName(job.runId);
  const lease = await host.store.acquireLease(name, host.workerId, host.leaseTtlMs);
  if (!lease) return false;
  try {
    const cause = error instanceof Error ? error.message : String(error);
    const code = isAgentryError(error) ? `${error.code}: ` : '';
    await host.records.jobFailed(
      job.runId,
      {
        code: 'run.job_failed',
        message: `Worker ${host.workerId} could not drive run ${job.runId} (${job.kind} job): ${code}${cause}`,
        hint: record.durable
          ? 'Fix the cause (see the worker log), then `agentry resume <run-id>` continues it from its last checkpoint, or start it again.'
          : 'Fix the cause (see the worker log), then start the run again.',
        retryable: false,
      },
      host.now(),
      { lease: name, token: lease.token },
    );
    host.logger.error('a queued job failed; its run is marked failed', { runId: job.runId, message: cause });
    return true;
  } finally {
    await host.store.releaseLease(lease);
  }
}
