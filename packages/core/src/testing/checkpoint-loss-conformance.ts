/**
 * `describeCheckpointLossConformance`: a durable run that made progress and then lost its checkpoint head
 * (deleted, `null`, `{}`, not JSON, another run's head) is parked on resume and runs nothing again. Every
 * store runs it: the "checkpoint exists" record must survive where the head is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../contracts/json.js';
import type { Model } from '../contracts/model.js';
import type { Runtime } from '../contracts/runtime.js';
import type { Store } from '../contracts/store.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { isAgentryError, ModelError } from '../errors/agentry-error.js';
import { defineTool } from '../plugin/define-tool.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { CHECKPOINT_NAMESPACE } from '../runtime/durability/envelope.js';

/** Options of `describeCheckpointLossConformance`. */
export interface CheckpointLossConformanceOptions {
  /** Shown in the suite title. */
  name: string;
  /** A fresh, empty store (unique file, table or key prefix per call); the suite closes it. */
  create(): Store | Promise<Store>;
  /** Cleans up after a test. */
  destroy?(store: Store): void | Promise<void>;
  /**
   * Overwrites the stored head of `runId` with text that is not JSON (truncated, NUL bytes), at the
   * backend's level. Leave out for stores that keep values as objects (the in-memory store).
   */
  writeRawHead?(store: Store, runId: string, text: string): Promise<void>;
}

/** How a test damages the head, and the code resume must answer with. */
const LOSSES: readonly {
  name: string;
  code: string;
  damage: (store: Store, runId: string) => Promise<unknown>;
}[] = [
  {
    name: 'deleted',
    code: 'checkpoint.missing',
    damage: (store, id) => store.delete(CHECKPOINT_NAMESPACE, id),
  },
  {
    name: 'null',
    code: 'checkpoint.missing',
    damage: (store, id) => store.set(CHECKPOINT_NAMESPACE, id, null),
  },
  { name: '{}', code: 'checkpoint.missing', damage: (store, id) => store.set(CHECKPOINT_NAMESPACE, id, {}) },
  {
    name: "another run's head",
    code: 'checkpoint.corrupt',
    damage: async (store, id) => {
      const other = await store.get(CHECKPOINT_NAMESPACE, `${id}-twin`);
      await store.set(CHECKPOINT_NAMESPACE, id, other as JsonValue);
    },
  },
];

export function describeCheckpointLossConformance(options: CheckpointLossConformanceOptions): void {
  describe(`checkpoint loss (${options.name})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /**
     * One "process" on `store`: a durable agent that makes three calls (two `unsafe`), then fails with a
     * retryable model error; the run record is then set back to `running`, as a killed process leaves it.
     */
    async function progressedRun(
      store: Store,
      runId: string,
    ): Promise<{ runtime: Runtime; effects: string[] }> {
      const effects: string[] = [];
      const tool = (name: string, sideEffects: 'none' | 'unsafe') =>
        defineTool({
          name,
          description: name,
          input: z.object({ to: z.string() }),
          sideEffects,
          execute: ({ to }) => {
            effects.push(`${name}:${to}`);
            return 'ok';
          },
        });
      let calls = 0;
      const inner = new ScriptedModel({
        script: [
          { toolCalls: [{ tool: 'charge', input: { to: 'ada' } }] },
          { toolCalls: [{ tool: 'look', input: { to: 'ada' } }] },
          { toolCalls: [{ tool: 'charge', input: { to: 'bob' } }] },
          'done',
        ],
      });
      const model: Model = {
        kind: 'model',
        specVersion: 1,
        provider: 'flaky',
        modelId: 'flaky',
        generate: async (request) => {
          calls += 1;
          if (calls === 4) throw new ModelError('model.connection', { message: 'connection reset' });
          return inner.generate(request);
        },
      };
      const runtime = await createRuntime({
        config: { version: 1, agents: { worker: { model: 'm', durable: true, maxResumeAttempts: 0 } } },
        models: { m: model },
        tools: [tool('charge', 'unsafe'), tool('look', 'none')],
        store,
        // Not shorter: a run on a loaded machine must not pass its own lease deadline (it would stop early).
        runLeaseTtlMs: 2_000,
      });
      cleanups.push(() => runtime.close());
      const failed = await runtime.run({ agent: 'worker', input: 'go', runId });
      expect(failed.error).toMatchObject({ code: 'model.connection', retryable: true });
      expect(effects).toEqual(['charge:ada', 'look:ada', 'charge:bob']);
      const record = (await store.get('runs', runId)) as Record<string, JsonValue>;
      const { error: _error, ...running } = record;
      await store.set('runs', runId, { ...running, status: 'running' });
      return { runtime, effects };
    }

    async function freshStore(): Promise<Store> {
      const store = await options.create();
      cleanups.push(async () => {
        await options.destroy?.(store);
      });
      return store;
    }

    for (const loss of LOSSES) {
      it(`parks a run whose head is ${loss.name} with ${loss.code} and runs no call again`, async () => {
        const store = await freshStore();
        const runId = `lost-${Math.random().toString(36).slice(2, 10)}`;
        if (loss.name === "another run's head") await progressedRun(store, `${runId}-twin`);
        const { runtime, effects } = await progressedRun(store, runId);
        await loss.damage(store, runId);
        const refused = await runtime.resume(runId).catch((error: unknown) => error);
        expect(refused).toMatchObject({ code: loss.code });
        expect(effects).toEqual(['charge:ada', 'look:ada', 'charge:bob']);
        expect(await runtime.runs.get(runId)).toMatchObject({ status: 'running' });
      });
    }

    for (const text of ['{"schemaVersion":2,"checksum":"ab', '\u0000\u0000\u0000\u0000', 'not json at all']) {
      it(`parks a run whose head is not JSON (${JSON.stringify(text.slice(0, 12))}) with checkpoint.corrupt`, async (context) => {
        if (options.writeRawHead === undefined) return context.skip();
        const store = await freshStore();
        const runId = `raw-${Math.random().toString(36).slice(2, 10)}`;
        const { runtime, effects } = await progressedRun(store, runId);
        await options.writeRawHead(store, runId, text);
        const refused = await runtime.resume(runId).catch((error: unknown) => error);
        expect(refused).toMatchObject({ code: 'checkpoint.corrupt' });
        expect(effects).toEqual(['charge:ada', 'look:ada', 'charge:bob']);
      });
    }

    it('still starts a run again from its input when it was never checkpointed', async () => {
      const store = await freshStore();
      const runId = `never-${Math.random().toString(36).slice(2, 10)}`;
      const { runtime, effects } = await progressedRun(store, runId);
      // No head and no first-checkpoint record: what a process killed before its first save leaves.
      await store.delete(CHECKPOINT_NAMESPACE, runId);
      await store.delete('checkpoint-data', `first:${runId}`);
      const restarted = await runtime.resume(runId).catch((error: unknown) => error);
      expect(isAgentryError(restarted), String(restarted)).toBe(false);
      const events = await runtime.runs.events(runId);
      expect(events.some((event) => event.type === 'run.resumed' && event.data.reason === 'recovery')).toBe(
        true,
      );
      expect(effects.slice(0, 3)).toEqual(['charge:ada', 'look:ada', 'charge:bob']);
    });
  });
}
