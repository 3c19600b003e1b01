/**
 * The in-process (`local`) queue keeps its jobs in memory: a process that exits with runs still
 * `queued` loses their jobs, not the runs. When a worker of such a queue starts, it offers those runs
 * again from their records, so they run once a process works on the store again.
 */
import { CHECKPOINT_NAMESPACE } from '../durability/envelope.js';
import { runLeaseName } from '../durability/run-lease.js';
import type { QueueHost } from './queued-runs.js';

/**
 * Enqueues a job for every run of `agents` still `queued` in the store since before `before` (epoch
 * ms: runs of earlier processes) that nobody holds: `start` when nothing of it was saved yet, `resume`
 * when it has a checkpoint (a continuation whose job was lost; decisions that came with that job must
 * be given again, the run suspends for them). Priorities and `runAt` are kept. Returns the ids offered.
 */
export async function reofferQueued(
  host: QueueHost,
  agents: readonly string[],
  before: number,
): Promise<string[]> {
  const offered: string[] = [];
  for (const record of await host.records.list({ status: 'queued' })) {
    if (!agents.includes(record.agentId) || Date.parse(record.updatedAt) >= before) continue;
    if ((await host.store.readLease(runLeaseName(record.runId))) !== undefined) continue;
    const saved = (await host.store.get(CHECKPOINT_NAMESPACE, record.runId)) !== undefined;
    const options = await host.records.queuedOptions(record.runId);
    await host.queue.enqueue(
      {
        kind: saved ? 'resume' : 'start',
        runId: record.runId,
        agentId: record.agentId,
        ...(record.sessionId === record.runId ? {} : { sessionId: record.sessionId }),
      },
      options,
    );
    offered.push(record.runId);
  }
  if (offered.length > 0) {
    host.logger.info('runs left queued by an earlier process are offered again', { runs: offered.length });
  }
  return offered;
}
