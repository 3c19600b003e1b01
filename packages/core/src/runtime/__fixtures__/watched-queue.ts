/** Test fixture: a `LocalQueue` that tells the test when its consumers have handled a job (no polling). */
import type { ConsumeOptions, JobHandler, JobOutcome, QueueConsumer, RunJob } from '../../contracts/queue.js';
import type { RunRecord } from '../../contracts/run.js';
import type { Runtime } from '../../contracts/runtime.js';
import { LocalQueue } from '../../defaults/local-queue.js';

/** One job a consumer of the queue has handled, and what its handler said (`thrown` when it threw). */
export interface HandledJob {
  job: RunJob;
  outcome: JobOutcome | 'thrown';
}

export class WatchedQueue extends LocalQueue {
  readonly handled: HandledJob[] = [];
  #waiters: (() => void)[] = [];

  override consume(handler: JobHandler, options: ConsumeOptions): Promise<QueueConsumer> {
    return super.consume(async (job, context) => {
      let outcome: JobOutcome | 'thrown' = 'thrown';
      try {
        outcome = await handler(job, context);
        return outcome;
      } finally {
        this.handled.push({ job, outcome });
        for (const wake of this.#waiters.splice(0)) wake();
      }
    }, options);
  }

  /** Resolves once `holds` is true; it is checked now and again after every job a consumer handles. */
  async until(holds: (handled: readonly HandledJob[]) => boolean | Promise<boolean>): Promise<void> {
    for (;;) {
      const next = new Promise<void>((resolve) => this.#waiters.push(resolve));
      if (await holds(this.handled)) return;
      await next;
    }
  }

  /** The record of `runId` once a handled job has left it in none of the `from` statuses (default: stopped). */
  async stopped(
    runtime: Runtime,
    runId: string,
    from: readonly RunRecord['status'][] = ['queued', 'running'],
  ): Promise<RunRecord> {
    let record: RunRecord | undefined;
    await this.until(async () => {
      record = await runtime.runs.get(runId);
      return record !== undefined && !from.includes(record.status);
    });
    return record!;
  }
}
