/** `describeQueueConformance`: the behaviour every `queue` plugin must show. */
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext, Queue, QueueConsumer, RunJob } from '../contracts/queue.js';

/** Options of `describeQueueConformance`. */
export interface QueueConformanceOptions {
  /** Suite title, e.g. the plugin name. */
  name: string;
  /** A fresh, empty queue per call (two calls in one test must share jobs: they are two processes). */
  create: () => Queue | Promise<Queue>;
  /** A new namespace for the next test (e.g. a fresh key prefix); called before each test. */
  reset?: () => void | Promise<void>;
  /** Cleans up after each test (the suite closes the queues first). */
  destroy?: () => void | Promise<void>;
}

/** Resolves when `check` holds, polling every few milliseconds (bounded by the test's timeout). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function job(runId: string, agentId = 'writer', extra: Partial<RunJob> = {}): RunJob {
  return { kind: 'start', runId, agentId, ...extra };
}

/**
 * Registers a vitest suite checking: jobs arrive as enqueued, only to consumers of their agent; priority
 * and `runAt` order them; a consumer never exceeds its concurrency; a deferred job comes back; `stop`
 * waits for handlers in flight and takes nothing after; `status` counts waiting jobs and names
 * consumers; `setLimits` caps an agent's active jobs across consumers; jobs enqueued by one instance are
 * taken by another (when the queue is shared).
 */
export function describeQueueConformance(options: QueueConformanceOptions): void {
  describe(`queue conformance: ${options.name}`, () => {
    const queues: Queue[] = [];
    const consumers: QueueConsumer[] = [];
    const make = async (): Promise<Queue> => {
      if (queues.length === 0) await options.reset?.();
      const queue = await options.create();
      queues.push(queue);
      return queue;
    };

    afterEach(async () => {
      for (const consumer of consumers.splice(0)) await consumer.stop();
      for (const queue of queues.splice(0)) await queue.close();
      await options.destroy?.();
    });

    it('declares its kind and spec version', async () => {
      const queue = await make();
      expect(queue.kind).toBe('queue');
      expect(queue.specVersion).toBe(1);
      expect(typeof queue.name).toBe('string');
    });

    it('delivers a job as it was enqueued, decisions included, only to consumers of its agent', async () => {
      const queue = await make();
      const seen: { consumer: string; job: RunJob; context: JobContext }[] = [];
      for (const agent of ['writer', 'reviewer']) {
        consumers.push(
          await queue.consume(
            async (received, context) => {
              seen.push({ consumer: agent, job: received, context });
              return { status: 'done' };
            },
            { concurrency: 1, agents: [agent], workerId: `w-${agent}` },
          ),
        );
      }
      const sent = job('run-1', 'reviewer', {
        kind: 'resume',
        sessionId: 's-1',
        decisions: { 'call-1': { approve: true, input: { to: 'ada' } } },
      });
      const { jobId } = await queue.enqueue(sent);
      expect(typeof jobId).toBe('string');
      await until(() => seen.length === 1);
      expect(seen[0]).toMatchObject({ consumer: 'reviewer', job: sent, context: { jobId, redeliveries: 0 } });
    });

    it('takes jobs by priority (lower first), then in arrival order', async () => {
      const queue = await make();
      await queue.enqueue(job('late'));
      await queue.enqueue(job('urgent'), { priority: 1 });
      await queue.enqueue(job('later'));
      await queue.enqueue(job('soon'), { priority: 2 });
      const order: string[] = [];
      consumers.push(
        await queue.consume(
          async (received) => {
            order.push(received.runId);
            return { status: 'done' };
          },
          { concurrency: 1, agents: ['writer'], workerId: 'w1' },
        ),
      );
      await until(() => order.length === 4);
      expect(order.slice(0, 2)).toEqual(['urgent', 'soon']);
      expect(order.slice(2).sort()).toEqual(['late', 'later']);
    });

    it('does not hand out a job before its runAt', async () => {
      const queue = await make();
      const runAt = Date.now() + 300;
      await queue.enqueue(job('delayed'), { runAt });
      const takenAt: number[] = [];
      consumers.push(
        await queue.consume(
          async () => {
            takenAt.push(Date.now());
            return { status: 'done' };
          },
          { concurrency: 1, agents: ['writer'], workerId: 'w1' },
        ),
      );
      await until(() => takenAt.length === 1);
      expect(takenAt[0]).toBeGreaterThanOrEqual(runAt);
    });

    it('never runs more handlers at once than the concurrency', async () => {
      const queue = await make();
      let active = 0;
      let most = 0;
      let done = 0;
      consumers.push(
        await queue.consume(
          async () => {
            active += 1;
            most = Math.max(most, active);
            await new Promise((resolve) => setTimeout(resolve, 20));
            active -= 1;
            done += 1;
            return { status: 'done' };
          },
          { concurrency: 2, agents: ['writer'], workerId: 'w1' },
        ),
      );
      for (let index = 0; index < 6; index++) await queue.enqueue(job(`run-${index}`));
      await until(() => done === 6);
      expect(most).toBe(2);
    });

    it('offers a deferred job again', async () => {
      const queue = await make();
      const deliveries: string[] = [];
      consumers.push(
        await queue.consume(
          async (received) => {
            deliveries.push(received.runId);
            return deliveries.length === 1 ? { status: 'deferred', delayMs: 50 } : { status: 'done' };
          },
          { concurrency: 1, agents: ['writer'], workerId: 'w1' },
        ),
      );
      await queue.enqueue(job('busy-session'));
      await until(() => deliveries.length === 2);
      expect(deliveries).toEqual(['busy-session', 'busy-session']);
    });

    it('stop waits for the handler in flight and takes no job afterwards', async () => {
      const queue = await make();
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const handled: string[] = [];
      const consumer = await queue.consume(
        async (received) => {
          await held;
          handled.push(received.runId);
          return { status: 'done' };
        },
        { concurrency: 1, agents: ['writer'], workerId: 'w1' },
      );
      await queue.enqueue(job('first'));
      const status = async () => (await queue.status(['writer'])).counts;
      while ((await status()).active !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
      const stopping = consumer.stop();
      await queue.enqueue(job('second'));
      release();
      await stopping;
      expect(handled).toEqual(['first']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(handled).toEqual(['first']);
      expect((await status()).waiting).toBe(1);
    });

    it('status counts waiting and delayed jobs and names consumers', async () => {
      const queue = await make();
      await queue.enqueue(job('a'));
      await queue.enqueue(job('b'));
      await queue.enqueue(job('c'), { runAt: Date.now() + 60_000 });
      const before = await queue.status(['writer']);
      expect(before.counts).toMatchObject({ waiting: 2, delayed: 1, active: 0 });
      expect(typeof before.oldestWaitingAt).toBe('string');
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      consumers.push(
        await queue.consume(
          async () => {
            await held;
            return { status: 'done' };
          },
          { concurrency: 1, agents: ['writer'], workerId: 'worker-seen' },
        ),
      );
      try {
        let after = await queue.status(['writer']);
        while (after.counts.active !== 1) after = await queue.status(['writer']);
        expect(after.workers.map((worker) => worker.id)).toContain('worker-seen');
      } finally {
        release();
      }
    });

    it("setLimits caps an agent's active jobs across consumers", async () => {
      const queue = await make();
      if (!queue.setLimits) return;
      await queue.setLimits({ agentConcurrency: { writer: 1 } });
      const other = await make();
      let active = 0;
      let most = 0;
      let done = 0;
      const handler = async () => {
        active += 1;
        most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        active -= 1;
        done += 1;
        return { status: 'done' as const };
      };
      const shared = other.inProcess ? queue : other;
      consumers.push(await queue.consume(handler, { concurrency: 2, agents: ['writer'], workerId: 'a' }));
      consumers.push(await shared.consume(handler, { concurrency: 2, agents: ['writer'], workerId: 'b' }));
      for (let index = 0; index < 4; index++) await queue.enqueue(job(`run-${index}`));
      await until(() => done === 4);
      expect(most).toBe(1);
    });

    it('a job enqueued by one instance is taken by another sharing the queue', async () => {
      const producer = await make();
      if (producer.inProcess) return;
      const worker = await make();
      const seen: string[] = [];
      consumers.push(
        await worker.consume(
          async (received) => {
            seen.push(received.runId);
            return { status: 'done' };
          },
          { concurrency: 1, agents: ['writer'], workerId: 'remote' },
        ),
      );
      await producer.enqueue(job('across'));
      await until(() => seen.length === 1);
      expect(seen).toEqual(['across']);
    });
  });
}
