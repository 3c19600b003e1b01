/** Retention of the memory store: the newest finished runs stay, older ones leave with all their data; suspended runs stay. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../contracts/run.js';
import { recordingTool } from '../runtime/__fixtures__/runtime-fixture.js';
import { DefaultRuntime } from '../runtime/default-runtime.js';
import { StoreCheckpointer } from '../runtime/durability/checkpointer.js';
import { CHECKPOINT_DATA_NAMESPACE, CHECKPOINT_NAMESPACE } from '../runtime/durability/envelope.js';
import { runLeaseName } from '../runtime/durability/run-lease.js';
import { INBOX_NAMESPACE } from '../runtime/inbox/run-inbox.js';
import { RUN_EVENTS_NAMESPACE } from '../runtime/records/event-log.js';
import { RUN_INDEX_NAMESPACE } from '../runtime/records/run-index.js';
import { RUNS_NAMESPACE } from '../runtime/records/run-records.js';
import { TRANSCRIPTS_NAMESPACE } from '../runtime/records/transcript.js';
import { silentLogger } from '../services/console-logger.js';
import { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
import { MittEventBus } from './mitt-event-bus.js';
import { RETAINED_NAMESPACES, RUN_LEASE_PREFIX, runIdOfKey } from './run-retention.js';
import { ScriptedModel } from './scripted-model.js';

const opened: DefaultRuntime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A runtime on a memory store with retention; agent `work` calls `note` once, `gate` needs an approval. */
function retainingRuntime(options: MemoryStoreOptions) {
  const store = new MemoryStore(options);
  const note = recordingTool('note', { sideEffects: 'none' });
  const send = recordingTool('send', { approval: 'always', sideEffects: 'unsafe' });
  const script = [{ toolCalls: [{ tool: 'note', input: { value: 'x' } }] }, 'done'];
  const runtime = new DefaultRuntime({
    store,
    events: new MittEventBus({ logger: silentLogger }),
    agents: {
      work: { model: new ScriptedModel({ script }), tools: [note.tool] },
      durable: { model: new ScriptedModel({ script }), tools: [note.tool], durable: true },
      gate: {
        model: new ScriptedModel({
          script: [{ toolCalls: [{ tool: 'send', input: { value: 'x' } }] }, 'sent'],
        }),
        tools: [send.tool],
      },
    },
    durablePersistence: new StoreCheckpointer({ store, runtimeVersion: 'test' }),
  });
  opened.push(runtime);
  return { runtime, store };
}

async function keysOf(store: MemoryStore, namespace: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of store.entries(namespace)) keys.push(key);
  return keys.sort();
}

describe('memory store retention', () => {
  it('names the namespaces and lease the runtime uses', () => {
    expect(RETAINED_NAMESPACES).toEqual({
      runs: RUNS_NAMESPACE,
      events: RUN_EVENTS_NAMESPACE,
      checkpoints: CHECKPOINT_NAMESPACE,
      checkpointData: CHECKPOINT_DATA_NAMESPACE,
      transcripts: TRANSCRIPTS_NAMESPACE,
      runIndex: RUN_INDEX_NAMESPACE,
      inbox: INBOX_NAMESPACE,
    });
    expect(`${RUN_LEASE_PREFIX}r1`).toBe(runLeaseName('r1'));
  });

  it('finds the run of each run-scoped key', () => {
    expect(runIdOfKey('runs', 'run_1')).toBe('run_1');
    expect(runIdOfKey('run-index', 'run_1')).toBe('run_1');
    expect(runIdOfKey('run-inbox', 'run_1')).toBe('run_1');
    expect(runIdOfKey('run-inbox', 'run_1#12')).toBe('run_1');
    expect(runIdOfKey('events', 'call:a:child:b00000002')).toBe('call:a:child');
    expect(runIdOfKey('checkpoint-data', 'msg:run_1:0:3')).toBe('run_1');
    expect(runIdOfKey('checkpoint-data', 'mem:run:x:0123456789abcdef')).toBe('run:x');
    expect(runIdOfKey('checkpoint-data', 'first:run:x')).toBe('run:x');
    expect(runIdOfKey('checkpoint-data', 'other')).toBeUndefined();
    expect(runIdOfKey('transcripts', 'session')).toBeUndefined();
    expect(runIdOfKey('facts', 'run_1')).toBeUndefined();
  });

  it('keeps the newest finished runs and evicts older ones with their events, checkpoints and transcripts', async () => {
    const { runtime, store } = retainingRuntime({ retention: { maxRuns: 3 } });
    const results: RunResult[] = [];
    results.push(await runtime.run({ agent: 'work', input: 'a', sessionId: 'chat' }));
    results.push(await runtime.run({ agent: 'durable', input: 'b' }));
    for (const input of ['c', 'd', 'e']) results.push(await runtime.run({ agent: 'work', input }));
    const kept = results.slice(2).map((result) => result.runId);

    expect((await runtime.runs.list()).map((record) => record.runId).sort()).toEqual([...kept].sort());
    expect(store.finishedRuns).toBe(3);
    for (const evicted of results.slice(0, 2)) {
      expect(await runtime.runs.get(evicted.runId)).toBeUndefined();
      expect(await runtime.runs.events(evicted.runId)).toEqual([]);
    }
    expect(await keysOf(store, CHECKPOINT_NAMESPACE)).toEqual([]);
    expect(await keysOf(store, CHECKPOINT_DATA_NAMESPACE)).toEqual([]);
    expect(await keysOf(store, TRANSCRIPTS_NAMESPACE)).toEqual([]);
    expect((await keysOf(store, RUN_EVENTS_NAMESPACE)).map((key) => key.split(':b')[0]).sort()).toEqual(
      [...kept].sort(),
    );
    expect((await runtime.runs.events(kept[0]!)).at(-1)?.type).toBe('run.completed');
  });

  it('never evicts a suspended run: it resumes after many newer runs, and is evicted once it has finished', async () => {
    const { runtime, store } = retainingRuntime({ retention: { maxRuns: 2 } });
    const suspended = await runtime.run({ agent: 'gate', input: 'send it' });
    expect(suspended.status).toBe('suspended');
    for (let index = 0; index < 5; index++) await runtime.run({ agent: 'work', input: `run ${index}` });
    expect((await runtime.runs.get(suspended.runId))?.status).toBe('suspended');

    const resumed = await runtime.resume(suspended.runId, {
      decisions: { [suspended.pending[0]!.callId]: { approve: true } },
    });
    expect(resumed).toMatchObject({ status: 'completed', output: 'sent' });
    expect(store.finishedRuns).toBe(2);
    await runtime.run({ agent: 'work', input: 'one more' });
    await runtime.run({ agent: 'work', input: 'and another' });
    expect(await runtime.runs.get(suspended.runId)).toBeUndefined();
  });

  it('evicts finished runs older than maxAgeMs by the store clock', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { runtime } = retainingRuntime({ clock: { now: () => now }, retention: { maxAgeMs: 60_000 } });
    const old = await runtime.run({ agent: 'work', input: 'old' });
    now += 30_000;
    const recent = await runtime.run({ agent: 'work', input: 'recent' });
    now += 40_000;
    const latest = await runtime.run({ agent: 'work', input: 'latest' });
    expect(await runtime.runs.get(old.runId)).toBeUndefined();
    expect((await runtime.runs.list()).map((record) => record.runId).sort()).toEqual(
      [recent.runId, latest.runId].sort(),
    );
  });

  it('does not evict a finished run whose run lease is still held (a durable run between resume attempts)', async () => {
    const store = new MemoryStore({ retention: { maxRuns: 1 } });
    const finish = (runId: string) =>
      store.set(RUNS_NAMESPACE, runId, { runId, sessionId: runId, status: 'failed' });
    await finish('held');
    const lease = await store.acquireLease(runLeaseName('held'), 'worker', 60_000);
    await finish('next');
    expect(await store.get(RUNS_NAMESPACE, 'held')).toBeDefined();
    await store.releaseLease(lease!);
    await finish('last');
    expect(await store.get(RUNS_NAMESPACE, 'held')).toBeUndefined();
    expect(await store.get(RUNS_NAMESPACE, 'last')).toBeDefined();
    await store.close();
  });

  it('keeps every run with retention: false', async () => {
    const { runtime, store } = retainingRuntime({ retention: false });
    for (let index = 0; index < 5; index++) await runtime.run({ agent: 'work', input: `run ${index}` });
    expect(await runtime.runs.list()).toHaveLength(5);
    expect(store.finishedRuns).toBe(0);
  });

  it('takes retention from config and refuses limits below one', () => {
    const schema = MemoryStore.plugin.configSchema;
    expect(schema.safeParse({ retention: { maxRuns: 50, maxAgeMs: 3_600_000 } }).success).toBe(true);
    expect(schema.safeParse({ retention: false }).success).toBe(true);
    expect(schema.safeParse({ retention: { maxRuns: 0 } }).success).toBe(false);
    expect(schema.safeParse({ retention: { maxRun: 5 } }).success).toBe(false);
  });
});
