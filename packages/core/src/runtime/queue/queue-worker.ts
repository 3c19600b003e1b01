/** `runtime.work`: a consumer of the configured queue that drives runs here and drains on stop. */
import type { JobOutcome, QueueConsumer, RunJob } from '../../contracts/queue.js';
import type { RunWorker } from '../../contracts/runtime.js';
import { failRunOfJob, transient } from './job-failure.js';
import { type DriveOutcome, driveJob, type QueueHost } from './queued-runs.js';

/** How long a job waits before it is offered again after a transient error (a store that is down). */
const TRANSIENT_RETRY_MS = 2_000;

/** Options of `QueueWorker.start`. */
export interface QueueWorkerOptions {
  concurrency: number;
  agents: readonly string[];
  /** Per-agent limits of active runs across all workers (the agents' `maxActiveRuns`). */
  agentConcurrency: { [agentId: string]: number };
}

/**
 * Takes jobs of its agents and drives their runs. On `stop('interrupt')` it stops taking jobs,
 * interrupts its runs at their next safe point (checkpoint written, run lease released) and puts a
 * `takeover` job for each back on the queue, so another worker continues it at once.
 */
export class QueueWorker implements RunWorker {
  readonly id: string;
  readonly #host: QueueHost;
  readonly #active = new Map<string, RunJob>();
  #consumer: QueueConsumer | undefined;
  #stopping = false;

  private constructor(host: QueueHost) {
    this.#host = host;
    this.id = host.workerId;
  }

  static async start(host: QueueHost, options: QueueWorkerOptions): Promise<QueueWorker> {
    const worker = new QueueWorker(host);
    if (Object.keys(options.agentConcurrency).length > 0) {
      await host.queue.setLimits?.({ agentConcurrency: options.agentConcurrency });
    }
    worker.#consumer = await host.queue.consume((job) => worker.#handle(job), {
      concurrency: options.concurrency,
      agents: options.agents,
      workerId: worker.id,
      onGivenUp: (job, reason) => worker.#givenUp(job, reason),
    });
    return worker;
  }

  active(): string[] {
    return [...this.#active.keys()];
  }

  async stop(mode: 'drain' | 'interrupt' = 'interrupt'): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    const stopped = this.#consumer?.stop();
    if (mode === 'interrupt') {
      await Promise.all(
        [...this.#active.keys()].map((runId) =>
          this.#host.interrupt(runId, `Interrupted: worker ${this.id} is stopping`),
        ),
      );
    }
    await stopped;
  }

  async #handle(job: RunJob): Promise<JobOutcome> {
    // Taken while stopping: back to the queue for another worker.
    if (this.#stopping) return { status: 'deferred', delayMs: 0 };
    if (this.#active.has(job.runId)) return { status: 'deferred', delayMs: 500 };
    this.#active.set(job.runId, job);
    try {
      let outcome: DriveOutcome;
      try {
        outcome = await driveJob(this.#host, job);
      } catch (error) {
        // A store or service down for a moment: offer the job again. Anything else ends the run, so
        // that it does not stay queued with no job (the queue counts the job failed).
        if (transient(error)) return { status: 'deferred', delayMs: TRANSIENT_RETRY_MS };
        await this.#failRun(job, error);
        throw error;
      }
      if (outcome.status === 'deferred') return outcome;
      if (outcome.result?.status === 'interrupted' && this.#stopping) {
        // Drained: hand the run over now instead of waiting for a lease to expire.
        await this.#host.records.requeued(job.runId, this.#host.now());
        await this.#host.queue.enqueue({
          kind: 'takeover',
          runId: job.runId,
          agentId: job.agentId,
          ...(job.sessionId === undefined ? {} : { sessionId: job.sessionId }),
        });
      }
      return { status: 'done' };
    } finally {
      this.#active.delete(job.runId);
    }
  }

  /** The queue failed a job without handing it over: its run ends `failed` naming the queue's reason. */
  async #givenUp(job: RunJob, reason: string): Promise<void> {
    if (!(await this.#failRun(job, new Error(`the queue gave the job up: ${reason}`)))) {
      this.#host.logger.warn('the queue gave a job up; its run is left to the process that holds it', {
        runId: job.runId,
        reason,
      });
    }
  }

  async #failRun(job: RunJob, error: unknown): Promise<boolean> {
    return failRunOfJob(this.#host, job, error).catch((failure: unknown) => {
      this.#host.logger.error('could not mark the run of a failed job failed', {
        runId: job.runId,
        message: failure instanceof Error ? failure.message : String(failure),
      });
      return false;
    });
  }
}
