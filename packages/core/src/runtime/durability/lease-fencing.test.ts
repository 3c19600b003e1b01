/** A durable run whose process was paused past its run lease: no side effect starts, no write of it lands. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../../contracts/runtime.js';
import type { BeforeToolHook } from '../../contracts/tool.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { resolveAgent } from '../agent/agent-setup.js';
import { createRuntime } from '../create-runtime.js';
import { RunRecords } from '../records/run-records.js';
import { freshSnapshot } from '../state/fresh-snapshot.js';
import { StoreCheckpointer } from './checkpointer.js';
import { RunOwner, runLeaseName } from './run-lease.js';

const TTL = 300;
const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** Blocks this process for `ms` without letting any timer run: what SIGSTOP or a VM freeze looks like from inside. */
function pause(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

async function runtimeOn(
  store: MemoryStore,
  execute: (input: { to: string }, signal: AbortSignal) => string,
  before?: BeforeToolHook,
) {
  const send = defineTool({
    name: 'send',
    description: 'Sends a message (not safe to repeat)',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    execute: (input, context) => execute(input, context.signal),
    ...(before === undefined ? {} : { before: [before] }),
  });
  const runtime = await createRuntime({
    config: { version: 1, agents: { mailer: { model: 'demo', durable: true } } },
    models: {
      demo: new ScriptedModel({ script: [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'sent'] }),
    },
    tools: [send],
    store,
    runLeaseTtlMs: TTL,
  });
  opened.push(runtime);
  return runtime;
}

describe('the local lease deadline', () => {
  it('aborts the run signal as soon as it is read after a pause past the deadline, before any heartbeat', async () => {
    const store = new MemoryStore();
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: TTL }).acquire('paused');
    expect(ownership.signal.aborted).toBe(false);
    pause(TTL);
    // No timer has run since the pause: only the deadline check inside the read can know.
    expect(ownership.signal.aborted).toBe(true);
    expect(ownership.signal.reason).toMatchObject({ code: 'run.not_resumable' });
    await ownership.release();
    await store.close();
  });

  it('a tool that checks its signal right after the pause does not run its side effect; the run can be taken over', async () => {
    const store = new MemoryStore();
    const effects: string[] = [];
    const zombie = await runtimeOn(store, ({ to }, signal) => {
      pause(TTL);
      signal.throwIfAborted();
      effects.push(`zombie:${to}`);
      return 'ok';
    });
    const result = await zombie.run({ agent: 'mailer', input: 'mail ada' });
    expect(effects).toEqual([]);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('lost its lease');
    // Nothing of the ending was written: the record still says running, the ledger says started.
    expect((await zombie.runs.get(result.runId))?.status).toBe('running');
    const next = await runtimeOn(store, ({ to }) => {
      effects.push(`next:${to}`);
      return 'ok';
    });
    const suspended = await next.resume(result.runId);
    expect(suspended).toMatchObject({ status: 'suspended', stopReason: 'outcome_unknown' });
    const retried = await next.resume(result.runId, {
      decisions: { [suspended.pending[0]!.callId]: { outcome: 'retry' } },
    });
    expect(retried).toMatchObject({ status: 'completed', output: 'sent' });
    expect(effects).toEqual(['next:ada']);
  });

  it('does not start a side effect when the deadline passed before its started entry was written', async () => {
    const store = new MemoryStore();
    const effects: string[] = [];
    const zombie = await runtimeOn(
      store,
      ({ to }) => {
        effects.push(to);
        return 'ok';
      },
      () => {
        pause(TTL);
        return undefined;
      },
    );
    const result = await zombie.run({ agent: 'mailer', input: 'mail ada' });
    expect(effects).toEqual([]);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('run.not_resumable');
  });
});

describe('fenced run writes', () => {
  it('the store refuses the checkpoint, ledger and run-record writes of a stale owner', async () => {
    let now = 1_000;
    const store = new MemoryStore({ clock: { now: () => now } });
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: 'test' });
    const stale = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 }).acquire('taken');
    const agent = resolveAgent('mailer', { model: new ScriptedModel({ script: ['x'] }) });
    const snapshot = freshSnapshot({ agent: 'mailer', input: 'go', durable: true }, agent, 'taken', 'now');
    const none = { runId: 'taken', sessionId: 'taken', agentId: 'mailer', firstSeq: 1, items: [] };
    await checkpointer.save(snapshot, none, 'model.responded', { fence: stale.fence });
    const staleRecords = new RunRecords(store, undefined, () => stale.fence);
    await staleRecords.started(snapshot, 'now');
    // The process was paused past its lease (by the store's clock), and another worker took the run over.
    now += 120_000;
    const taker = new RunOwner({ store, owner: 'worker-b', ttlMs: 60_000 });
    const current = await taker.acquire('taken');
    const head = await store.get('checkpoints', 'taken');
    snapshot.step = 1;
    snapshot.ledger.call = {
      callId: 'call',
      tool: 'send',
      input: {},
      inputHash: '',
      sideEffects: 'unsafe',
      status: 'started',
      attempts: 1,
    };
    await expect(
      checkpointer.save(snapshot, none, 'tool.started', { fence: stale.fence }),
    ).rejects.toMatchObject({ code: 'store.lease_lost' });
    await expect(staleRecords.started(snapshot, 'later')).rejects.toMatchObject({ code: 'store.lease_lost' });
    expect(await store.get('checkpoints', 'taken')).toEqual(head);
    expect((await store.readLease(runLeaseName('taken')))?.owner).toBe('worker-b');
    await checkpointer.save(snapshot, none, 'tool.started', { fence: current.fence });
    await current.release();
    await stale.release();
    await store.close();
  });
});
