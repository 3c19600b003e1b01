/** The `agent` tool through createRuntime: child runs with parent id, budget carve-out, cancel and surfaced approvals. */
import {
  type AnyAgentryEvent,
  createRuntime,
  MemoryStore,
  type Runtime,
  ScriptedModel,
  type ToolMessage,
} from '@agentry/core';
import { childRunId } from '@agentry/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentTool, agentToolName } from './agent-tool.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

type Script = ConstructorParameters<typeof ScriptedModel>[0]['script'];

/** A `lead` agent that can delegate to `worker`; the lead's model records what it was shown. */
async function delegating(options: {
  lead: Script;
  worker: Script;
  leadAgent?: Record<string, unknown>;
  workerTools?: unknown[];
  agentTool?: Record<string, unknown>;
  store?: MemoryStore;
}) {
  const lead = new ScriptedModel({ script: options.lead, record: true });
  const runtime = await createRuntime({
    ...(options.store ? { store: options.store } : {}),
    config: {
      version: 1,
      store: 'memory',
      models: { work: { provider: 'scripted', script: options.worker } },
      agents: {
        lead: {
          model: 'lead',
          tools: [{ type: 'agent', config: { agent: 'worker', ...options.agentTool } }],
          ...options.leadAgent,
        },
        worker: { model: 'work', tools: options.workerTools ?? ['calc'] },
      },
    },
    models: { lead },
  });
  opened.push(runtime);
  return { runtime, lead };
}

const delegate = (task: string) => ({ toolCalls: [{ tool: 'agent_worker', input: { input: task } }] });

/** What the lead's model was shown as the result of its delegation (in its latest call). */
function delegationResult(lead: ScriptedModel): ToolMessage {
  const messages = lead.calls.at(-1)?.messages ?? [];
  const found = messages.find((message): message is ToolMessage => message.role === 'tool');
  if (!found) throw new Error('the lead model was not shown a tool result');
  return found;
}

function eventsOf(runtime: Runtime, type: AnyAgentryEvent['type'], runId: string): Promise<AnyAgentryEvent> {
  return new Promise((resolve) => {
    const stop = runtime.events.onAny((event) => {
      if (event.type === type && event.runId === runId) {
        stop();
        resolve(event);
      }
    });
  });
}

describe('agent tool', () => {
  it('is named agent_<agent> unless configured and declares unsafe side effects by default', () => {
    const tool = new AgentTool(AgentTool.plugin.configSchema.parse({ agent: 'research.team' }), undefined);
    expect(tool.name).toBe('agent_research_team');
    expect(tool.sideEffects).toBe('unsafe');
    expect(agentToolName('writer')).toBe('agent_writer');
    const named = AgentTool.plugin.configSchema.parse({ agent: 'w', name: 'ask', sideEffects: 'idempotent' });
    expect(new AgentTool(named, undefined)).toMatchObject({ name: 'ask', sideEffects: 'idempotent' });
  });

  it('runs the other agent as a child run and returns its output', async () => {
    const { runtime, lead } = await delegating({
      lead: [delegate('add 2 and 3'), 'The worker says 5'],
      worker: [{ toolCalls: [{ tool: 'calc', input: { expression: '2+3' } }] }, 'five'],
    });
    const result = await runtime.run({ agent: 'lead', input: 'ask the worker' });
    expect(result).toMatchObject({ status: 'completed', output: 'The worker says 5' });
    expect(delegationResult(lead).content).toBe('five');

    const children = await runtime.runs.list({ parentRunId: result.runId });
    expect(children).toHaveLength(1);
    const [child] = children;
    expect(child).toMatchObject({
      agentId: 'worker',
      parentRunId: result.runId,
      status: 'completed',
      input: 'add 2 and 3',
      output: 'five',
    });
    const requested = (await runtime.runs.events(result.runId)).find(
      (event) => event.type === 'tool.requested',
    );
    expect(child!.runId).toBe(childRunId((requested!.data as { callId: string }).callId));
    // The child's two model calls and one tool call count in the parent's usage.
    expect(result.usage).toMatchObject({ modelCalls: 4, toolCalls: 2 });
  });

  it("carves the child's budget out of what the parent has left", async () => {
    const calc = { toolCalls: [{ tool: 'calc', input: { expression: '1+1' } }] };
    const { runtime, lead } = await delegating({
      lead: [delegate('count'), 'gave up'],
      worker: [calc, calc, calc, 'never reached'],
      leadAgent: { budget: { maxToolCalls: 2 } },
      agentTool: { budget: { maxToolCalls: 10 } },
    });
    const result = await runtime.run({ agent: 'lead', input: 'go' });
    const [child] = await runtime.runs.list({ parentRunId: result.runId });
    // The delegation itself is one of the parent's two calls, so the child may make only one.
    expect(child).toMatchObject({
      status: 'failed',
      stopReason: 'budget_exhausted',
      usage: { toolCalls: 1 },
    });
    const shown = delegationResult(lead);
    expect(shown.isError).toBe(true);
    expect(JSON.stringify(shown.content)).toContain('budget_exhausted');
    expect(result.status).toBe('completed');
    expect(result.usage.toolCalls).toBe(2);
  });

  it('cancels the child when the parent is cancelled', async () => {
    const { runtime } = await delegating({ lead: [delegate('wait'), 'unused'], worker: [{ hang: true }] });
    const runId = 'parent-run';
    const callId = `${runId}:1:call_1_1`;
    const childId = childRunId(callId);
    const childAsked = eventsOf(runtime, 'model.requested', childId);
    const childCancelled = eventsOf(runtime, 'run.cancelled', childId);
    const running = runtime.run({ agent: 'lead', input: 'go', runId });
    await childAsked;
    await runtime.cancel(runId, 'stop everything');
    expect(await running).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
    await childCancelled;
    expect(await runtime.runs.get(childId)).toMatchObject({
      status: 'cancelled',
      stopReason: 'cancelled',
      parentRunId: runId,
    });
  });

  it.each([false, true])(
    'surfaces approvals of the child on the parent and resumes both (durable, from another runtime: %s)',
    async (durable) => {
      const setup = {
        lead: [delegate('add 2 and 3'), 'The worker says 5'],
        worker: [{ toolCalls: [{ tool: 'calc', input: { expression: '2+3' } }] }, 'five'],
        workerTools: [{ type: 'calc', approval: 'always' }],
        leadAgent: { durable },
        store: new MemoryStore(),
      } satisfies Parameters<typeof delegating>[0];
      const { runtime: starter, lead: starterLead } = await delegating(setup);
      const first = await starter.run({ agent: 'lead', input: 'ask the worker' });
      expect(first).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
      expect(first.pending).toHaveLength(1);
      const [pending] = first.pending;
      const [child] = await starter.runs.list({ parentRunId: first.runId });
      expect(child).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
      expect(pending).toMatchObject({ tool: 'calc', input: { expression: '2+3' }, reason: 'approval' });
      expect(pending!.callId.startsWith(`${child!.runId}:`)).toBe(true);
      expect(child!.pending.map((call) => call.callId)).toEqual([pending!.callId]);

      // A durable run resumes in another runtime sharing the store (as another process would).
      const { runtime, lead } = durable ? await delegating(setup) : { runtime: starter, lead: starterLead };
      const done = await runtime.resume(first.runId, { decisions: { [pending!.callId]: { approve: true } } });
      expect(done).toMatchObject({ status: 'completed', output: 'The worker says 5' });
      expect(delegationResult(lead).content).toBe('five');
      expect(await runtime.runs.get(child!.runId)).toMatchObject({ status: 'completed', output: 'five' });
      const childEvents = await runtime.runs.events(child!.runId);
      const calcRuns = childEvents.filter((event) => event.type === 'tool.started');
      expect(calcRuns).toHaveLength(1);
      expect(done.usage).toMatchObject({ modelCalls: 4, toolCalls: 2 });
    },
  );

  it('a denial inside the child reaches the child model, and the parent gets its answer', async () => {
    const { runtime } = await delegating({
      lead: [delegate('add'), 'done'],
      worker: [{ toolCalls: [{ tool: 'calc', input: { expression: '2+3' } }] }, 'I was not allowed'],
      workerTools: [{ type: 'calc', approval: 'always' }],
    });
    const first = await runtime.run({ agent: 'lead', input: 'go' });
    const callId = first.pending[0]!.callId;
    await expect(
      runtime.resume(first.runId, { decisions: { other: { approve: true } } }),
    ).rejects.toMatchObject({
      code: 'run.decision_invalid',
    });
    const done = await runtime.resume(first.runId, {
      decisions: { [callId]: { approve: false, reason: 'no maths today' } },
    });
    expect(done.status).toBe('completed');
    const [child] = await runtime.runs.list({ parentRunId: first.runId });
    expect(child).toMatchObject({ status: 'completed', output: 'I was not allowed' });
    const denied = (await runtime.runs.events(child!.runId)).filter((event) => event.type === 'tool.denied');
    expect(denied).toHaveLength(1);
  });
});
