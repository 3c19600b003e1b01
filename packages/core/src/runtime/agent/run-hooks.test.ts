import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const hooksModule = `
export const seen = [];
export function refuseNight(request) {
  if (request.input.includes('tonight')) return { block: 'no runs at night' };
}
export function politeInput(request) {
  return { input: 'Please: ' + request.input, metadata: { ...request.metadata, screened: true } };
}
export function record({ request, result }) {
  globalThis.__agentryAfterRun ??= [];
  globalThis.__agentryAfterRun.push({ input: request.input, status: result.status, metadata: request.metadata });
}
export function broken() {
  throw new Error('the screen is down');
}
`;

function yaml(agentHooks: string): string {
  return `
version: 1
store: memory
events: mitt
models:
  demo: { provider: scripted }
hooks:
  beforeRun: [./hooks.mjs#politeInput]
  afterRun: [./hooks.mjs#record]
agents:
  assistant:
    model: demo
    hooks:
${agentHooks}
`;
}

interface AfterRunRecord {
  input: string;
  status: string;
  metadata: Record<string, unknown>;
}

async function runtimeFrom(agentHooks: string, script: string[] = ['done']) {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-run-hooks-'));
  writeFileSync(join(dir, 'hooks.mjs'), hooksModule);
  writeFileSync(join(dir, 'agentry.yaml'), yaml(agentHooks));
  const model = new ScriptedModel({ script, record: true });
  const runtime = await createRuntime({ config: join(dir, 'agentry.yaml'), models: { demo: model } });
  opened.push(runtime);
  const events: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => {
    events.push(event);
  });
  const afterRuns: AfterRunRecord[] = [];
  (globalThis as { __agentryAfterRun?: AfterRunRecord[] }).__agentryAfterRun = afterRuns;
  return { runtime, model, events, afterRuns };
}

describe('run hooks from YAML', () => {
  it('a beforeRun hook blocks a run: rejected, run.rejected, no model call, afterRun sees it', async () => {
    const { runtime, model, events, afterRuns } = await runtimeFrom(
      '      beforeRun: [./hooks.mjs#refuseNight]',
    );
    const result = await runtime.run({ agent: 'assistant', input: 'deploy tonight' });
    expect(result.status).toBe('rejected');
    expect(result.stopReason).toBe('rejected');
    expect(result.error).toMatchObject({ code: 'run.rejected', message: 'no runs at night' });
    expect(model.calls).toHaveLength(0);
    expect(events.map((event) => event.type)).toEqual(['run.rejected']);
    expect((await runtime.runs.get(result.runId))?.status).toBe('rejected');
    // A refused run's afterRun hooks see the request as it was submitted.
    expect(afterRuns).toEqual([{ input: 'deploy tonight', status: 'rejected', metadata: {} }]);
  });

  it('a beforeRun hook rewrites the input the model receives; afterRun sees the completed result', async () => {
    const { runtime, model, afterRuns } = await runtimeFrom('      beforeRun: [./hooks.mjs#refuseNight]');
    const result = await runtime.run({ agent: 'assistant', input: 'deploy now', metadata: { user: 'ana' } });
    expect(result.status).toBe('completed');
    const first = model.calls[0]?.messages.at(-1);
    expect(first).toMatchObject({ role: 'user', content: 'Please: deploy now' });
    expect(afterRuns).toEqual([
      { input: 'Please: deploy now', status: 'completed', metadata: { user: 'ana', screened: true } },
    ]);
  });

  it('a beforeRun hook that throws rejects the run with run.hook_failed', async () => {
    const { runtime, model } = await runtimeFrom('      beforeRun: [./hooks.mjs#broken]');
    const result = await runtime.run({ agent: 'assistant', input: 'hello' });
    expect(result.status).toBe('rejected');
    expect(result.error?.code).toBe('run.hook_failed');
    expect(result.error?.message).toContain('the screen is down');
    expect(model.calls).toHaveLength(0);
  });

  it('the builtin input-screen blocks denied phrases and patterns', async () => {
    const { runtime, model } = await runtimeFrom(
      "      beforeRun: [{ type: input-screen, config: { deny: ['rm -rf'], patterns: ['\\bpassword\\b'] } }]",
    );
    const denied = await runtime.run({ agent: 'assistant', input: 'please RM -RF the disk' });
    expect(denied.error?.message).toContain('rm -rf');
    const matched = await runtime.run({ agent: 'assistant', input: 'my password is x' });
    expect(matched.status).toBe('rejected');
    const passed = await runtime.run({ agent: 'assistant', input: 'list the files' });
    expect(passed.status).toBe('completed');
    expect(model.calls).toHaveLength(1);
  });
});

/** A mailer agent whose `send` tool always asks for approval, and the config and model it runs on. */
function mailer(sent: string[], durable: boolean) {
  const send = defineTool({
    name: 'send',
    description: 'Sends a message',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    approval: 'always',
    execute: ({ to }) => {
      sent.push(to);
      return 'sent';
    },
  });
  const script = [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'ok'];
  return {
    config: { version: 1 as const, store: 'memory', agents: { mailer: { model: 'demo', durable } } },
    models: { demo: new ScriptedModel({ script }) },
    tools: [send],
  };
}

describe('afterRun on resume', () => {
  it('sees the result of each resume too, with the request metadata the run started with', async () => {
    const seen: { status: string; metadata: unknown }[] = [];
    const runtime = await createRuntime({
      ...mailer([], true),
      runHooks: {
        afterRun: [
          ({ request, result }) => void seen.push({ status: result.status, metadata: request.metadata }),
        ],
      },
    });
    opened.push(runtime);
    const first = await runtime.run({ agent: 'mailer', input: 'mail ada', metadata: { user: 'ana' } });
    await runtime.resume(first.runId, { decisions: { [first.pending[0]!.callId]: { approve: true } } });
    expect(seen).toEqual([
      { status: 'suspended', metadata: { user: 'ana' } },
      { status: 'completed', metadata: { user: 'ana' } },
    ]);
  });
});

describe('run deadlines', () => {
  it('a run whose deadline has passed never calls the model', async () => {
    const { runtime, model, events } = await runtimeFrom('      beforeRun: []');
    const result = await runtime.run({ agent: 'assistant', input: 'hi', deadline: Date.now() - 1000 });
    expect(result).toMatchObject({ status: 'rejected', stopReason: 'timeout' });
    expect(result.error?.code).toBe('run.deadline_passed');
    expect(model.calls).toHaveLength(0);
    expect(events.map((event) => event.type)).toEqual(['run.rejected']);
  });

  it('an active run stops with timeout when its deadline passes', async () => {
    const model = new ScriptedModel({ script: [{ hang: true }] });
    const hanging = await createRuntime({
      config: { version: 1, store: 'memory', agents: { slow: { model: 'slow' } } },
      models: { slow: model },
    });
    opened.push(hanging);
    const deadline = new Date(Date.now() + 50).toISOString();
    const result = await hanging.run({ agent: 'slow', input: 'wait', deadline });
    expect(result).toMatchObject({ status: 'failed', stopReason: 'timeout' });
  });

  it('a queued run that a worker takes after its deadline does not start', async () => {
    const { runtime, model, afterRuns } = await runtimeFrom('      beforeRun: []');
    const now = Date.now();
    const { runId } = await runtime.enqueue({
      agent: 'assistant',
      input: 'later',
      runAt: now + 150,
      deadline: now + 20,
      metadata: { user: 'ana' },
    });
    let record = await runtime.runs.get(runId);
    while (record?.status === 'queued' || record?.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 10));
      record = await runtime.runs.get(runId);
    }
    expect(record).toMatchObject({ status: 'rejected', stopReason: 'timeout' });
    expect(record?.error?.code).toBe('run.deadline_passed');
    expect(model.calls).toHaveLength(0);
    expect(afterRuns).toEqual([{ input: 'later', status: 'rejected', metadata: { user: 'ana' } }]);
  });

  it('a run suspended for approval and resumed after its deadline stops with timeout; the call never runs', async () => {
    let nowMs = Date.parse('2026-12-06T09:00:00Z');
    const sent: string[] = [];
    const runtime = await createRuntime({
      ...mailer(sent, false),
      clock: { now: () => nowMs },
    });
    opened.push(runtime);
    const deadline = new Date(nowMs + 60_000).toISOString();
    const first = await runtime.run({ agent: 'mailer', input: 'mail ada', deadline });
    expect(first.status).toBe('suspended');
    nowMs += 120_000; // the approval comes a minute after the deadline
    const resumed = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(resumed).toMatchObject({ status: 'failed', stopReason: 'timeout' });
    expect(resumed.error?.message).toContain(`passed its deadline (${deadline.replace('.000Z', '')}`);
    expect(sent).toEqual([]);
  });

  it('refuses a deadline that is not a time', async () => {
    const { runtime } = await runtimeFrom('      beforeRun: []');
    await expect(runtime.run({ agent: 'assistant', input: 'hi', deadline: 'soon' })).rejects.toThrow(
      /deadline/,
    );
  });
});
