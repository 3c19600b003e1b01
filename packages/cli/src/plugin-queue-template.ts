/** Source template of `agentry new plugin queue`: an in-process queue to adapt to a broker. */

/** A `queue` that keeps jobs in this process: the shape of a queue plugin, ready to point at a broker. */
export function queueTemplate(name: string, exportName: string, className: string): string {
  return `/** The \`${name}\` queue. Reference it from agentry.yaml: queue: { impl: ./<this file>#${exportName} }. */
import {
  type ConsumeOptions,
  definePlugin,
  type EnqueueJobOptions,
  type JobHandler,
  type Queue,
  type QueueConsumer,
  type QueueLimits,
  type QueueStatus,
  type RunJob,
} from '@agentry/core';
import { z } from 'zod';

interface Waiting {
  id: string;
  job: RunJob;
  priority: number;
  runAt: number;
  seq: number;
  redeliveries: number;
}

interface Consumer {
  handler: JobHandler;
  options: ConsumeOptions;
  active: number;
  stopped: boolean;
  inFlight: Set<Promise<void>>;
}

/**
 * Run jobs in this process's memory. A job only names a run (the run's state stays in the store), and
 * delivery may be at least once: the runtime's run lease makes a job delivered twice harmless. To share
 * jobs between processes, keep \`#waiting\` in your broker instead (and set \`inProcess\` to false): take a
 * job atomically, put a deferred job back with its delay, and count active jobs per agent there.
 */
export class ${className} implements Queue {
  readonly kind = 'queue' as const;
  readonly specVersion = 1 as const;
  readonly name = '${name}';
  readonly inProcess = true;
  readonly #waiting: Waiting[] = [];
  readonly #consumers = new Set<Consumer>();
  readonly #activeByAgent = new Map<string, number>();
  #limits: QueueLimits = {};
  #seq = 0;
  #done = 0;
  #failed = 0;
  #timer: NodeJS.Timeout | undefined;

  async enqueue(job: RunJob, options: EnqueueJobOptions = {}): Promise<{ jobId: string }> {
    this.#seq += 1;
    const id = \`${name}-\${this.#seq}\`;
    const priority = options.priority ?? Number.MAX_SAFE_INTEGER;
    const runAt = options.runAt ?? Date.now();
    this.#waiting.push({ id, job: structuredClone(job), priority, runAt, seq: this.#seq, redeliveries: 0 });
    this.#dispatch();
    return { jobId: id };
  }

  async consume(handler: JobHandler, options: ConsumeOptions): Promise<QueueConsumer> {
    const consumer: Consumer = { handler, options, active: 0, stopped: false, inFlight: new Set() };
    this.#consumers.add(consumer);
    this.#dispatch();
    return {
      // Takes nothing more, then waits for the handlers in flight.
      stop: async () => {
        consumer.stopped = true;
        this.#consumers.delete(consumer);
        await Promise.allSettled([...consumer.inFlight]);
      },
    };
  }

  async setLimits(limits: QueueLimits): Promise<void> {
    this.#limits = limits;
  }

  async status(agents: readonly string[]): Promise<QueueStatus> {
    const now = Date.now();
    const mine = this.#waiting.filter((entry) => agents.includes(entry.job.agentId));
    const ready = mine.filter((entry) => entry.runAt <= now);
    const oldest = Math.min(...ready.map((entry) => entry.runAt));
    let active = 0;
    for (const agent of agents) active += this.#activeByAgent.get(agent) ?? 0;
    return {
      queue: this.name,
      counts: { waiting: ready.length, delayed: mine.length - ready.length, active, completed: this.#done, failed: this.#failed },
      workers: [...this.#consumers].map((consumer) => ({ id: consumer.options.workerId, agents: [...consumer.options.agents] })),
      ...(ready.length > 0 ? { oldestWaitingAt: new Date(oldest).toISOString() } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    const consumers = [...this.#consumers];
    this.#consumers.clear();
    await Promise.allSettled(consumers.flatMap((consumer) => [...consumer.inFlight]));
  }

  /** Hands each due job (lowest priority number first, then arrival) to a consumer with a free slot. */
  #dispatch(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = Date.now();
    this.#waiting.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    let next = Number.POSITIVE_INFINITY;
    for (let index = 0; index < this.#waiting.length; ) {
      const entry = this.#waiting[index]!;
      const consumer = entry.runAt <= now ? this.#consumerFor(entry.job.agentId) : undefined;
      if (entry.runAt > now) next = Math.min(next, entry.runAt);
      if (!consumer) {
        index += 1;
        continue;
      }
      this.#waiting.splice(index, 1);
      this.#run(consumer, entry);
    }
    if (next !== Number.POSITIVE_INFINITY) {
      this.#timer = setTimeout(() => this.#dispatch(), Math.max(1, next - now));
      this.#timer.unref();
    }
  }

  #consumerFor(agentId: string): Consumer | undefined {
    const limit = this.#limits.agentConcurrency?.[agentId];
    if (limit !== undefined && (this.#activeByAgent.get(agentId) ?? 0) >= limit) return undefined;
    for (const consumer of this.#consumers) {
      const { concurrency, agents } = consumer.options;
      if (!consumer.stopped && consumer.active < concurrency && agents.includes(agentId)) return consumer;
    }
    return undefined;
  }

  #run(consumer: Consumer, entry: Waiting): void {
    const agentId = entry.job.agentId;
    consumer.active += 1;
    this.#activeByAgent.set(agentId, (this.#activeByAgent.get(agentId) ?? 0) + 1);
    // Assigned before the handler's first await returns, so \`finally\` always sees it.
    let handled: Promise<void> | undefined;
    handled = (async () => {
      try {
        const outcome = await consumer.handler(structuredClone(entry.job), {
          jobId: entry.id,
          redeliveries: entry.redeliveries,
        });
        // Deferred (its run or session is busy elsewhere): offer it again after the delay.
        if (outcome.status === 'deferred') this.#waiting.push({ ...entry, runAt: Date.now() + outcome.delayMs });
        else this.#done += 1;
      } catch {
        // The runtime has marked the job's run failed; a broker would keep the job in its failed set.
        this.#failed += 1;
      } finally {
        consumer.active -= 1;
        this.#activeByAgent.set(agentId, (this.#activeByAgent.get(agentId) ?? 1) - 1);
        if (handled) consumer.inFlight.delete(handled);
        this.#dispatch();
      }
    })();
    consumer.inFlight.add(handled);
  }
}

export const ${exportName} = definePlugin({
  kind: 'queue',
  name: '${name}',
  description: 'Keeps run jobs in process memory',
  configSchema: z.object({}).strict(),
  create: () => new ${className}(),
});
`;
}
