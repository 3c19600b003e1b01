import { afterEach, describe, expect, it } from 'vitest';
import type { Memory } from '../../contracts/memory.js';
import type { Message } from '../../contracts/message.js';
import type { Model } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { gateTool } from '../__fixtures__/gate-tool.js';
import { recordingTool, scriptedRuntime } from '../__fixtures__/runtime-fixture.js';
import { localInboxCount } from './run-inbox.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const holdThenAnswer = [
  { toolCalls: [{ tool: 'hold', input: {} }] },
  { when: { input: 'brief' }, text: 'in metres' },
  { text: 'in feet' },
];

function userTexts(messages: readonly Message[]): string[] {
  return messages.filter((message) => message.role === 'user').map((message) => String(message.content));
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isAgentryError(error) ? error.code : String(error);
  }
}

describe('runtime.send: input into an active run', () => {
  it('reaches the model as a user message before its next call, in order, once each', async () => {
    const held = gateTool();
    const { runtime, model } = await configRuntime(holdThenAnswer, {}, { tools: [held.tool] });
    opened.push(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'How tall is it?', runId: 'steered' });
    await held.inside;
    expect(await runtime.send('steered', 'Answer in metric units')).toEqual({
      runId: 'steered',
      seq: 1,
      status: 'running',
    });
    expect((await runtime.send('steered', 'and be brief')).seq).toBe(2);
    held.release();
    const result = await run;
    expect(result.output).toBe('in metres');
    expect(model.calls).toHaveLength(2);
    expect(userTexts(model.calls[1]!.messages)).toEqual([
      'How tall is it?',
      'Answer in metric units',
      'and be brief',
    ]);
    const received = (await runtime.runs.events('steered')).filter((e) => e.type === 'run.input_received');
    expect(received.map((event) => event.data)).toEqual([
      { seq: 1, text: 'Answer in metric units' },
      { seq: 2, text: 'and be brief' },
    ]);
  });

  it('refuses input for a finished run (run.finished), an unknown run (run.not_found) and empty input', async () => {
    const { runtime } = await configRuntime(['done']);
    opened.push(runtime);
    const { runId } = await runtime.run({ agent: 'assistant', input: 'hi' });
    expect(await codeOf(runtime.send(runId, 'too late'))).toBe('run.finished');
    expect(await codeOf(runtime.send('no-such-run', 'hello'))).toBe('run.not_found');
    expect(await codeOf(runtime.send(runId, '  '))).toBe('run.request_invalid');
  });

  it('refuses input that comes while a run finishes, before its record is stored, and keeps nothing after', async () => {
    let finishing!: () => void;
    const inFinish = new Promise<void>((resolve) => {
      finishing = resolve;
    });
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    // Writeback runs after the run closed its inbox and before its final record is written.
    const memory: Memory = {
      kind: 'memory',
      specVersion: 1,
      name: 'slow-writeback',
      inject: async () => ({ messages: [] }),
      writeback: async () => {
        finishing();
        await finished;
      },
    };
    const { runtime, model, store } = scriptedRuntime(['done', 'never asked'], { memory });
    opened.push(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'hi', runId: 'finishing' });
    await inFinish;
    expect(await codeOf(runtime.send('finishing', 'too late'))).toBe('run.finished');
    finish();
    expect((await run).output).toBe('done');
    expect(model.calls).toHaveLength(1);
    expect(await codeOf(runtime.send('finishing', 'later still'))).toBe('run.finished');
    expect(localInboxCount(store)).toBe(0);
  });

  it('delivers input sent to a suspended run when it resumes, after the tool results', async () => {
    const { tool } = recordingTool('deploy', { approval: 'always' });
    const script = [
      { toolCalls: [{ tool: 'deploy', input: { value: 'prod' } }] },
      { when: { input: 'staging' }, text: 'deployed, then moved to staging' },
      { text: 'deployed' },
    ];
    const { runtime, model } = await configRuntime(script, {}, { tools: [tool] });
    opened.push(runtime);
    const suspended = await runtime.run({ agent: 'assistant', input: 'Deploy it' });
    expect(suspended.status).toBe('suspended');
    expect((await runtime.send(suspended.runId, 'Use staging instead')).status).toBe('suspended');
    const callId = suspended.pending[0]!.callId;
    const result = await runtime.resume(suspended.runId, { decisions: { [callId]: { approve: true } } });
    expect(result.output).toBe('deployed, then moved to staging');
    const last = model.calls.at(-1)!.messages;
    expect(last.at(-2)?.role).toBe('tool');
    expect(last.at(-1)).toEqual({ role: 'user', content: 'Use staging instead' });
  });

  it('keeps input sent to an interrupted run for the resume, in whichever process continues it', async () => {
    const held = gateTool();
    const { runtime, model } = await configRuntime(holdThenAnswer, { durable: true }, { tools: [held.tool] });
    opened.push(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'How tall is it?', runId: 'paused' });
    await held.inside;
    await runtime.interrupt('paused');
    expect((await run).status).toBe('interrupted');
    expect(await runtime.send('paused', 'and be brief')).toMatchObject({ seq: 1, status: 'interrupted' });
    held.release();
    const resumed = await runtime.resume('paused');
    expect(resumed.output).toBe('in metres');
    expect(userTexts(model.calls.at(-1)!.messages)).toEqual(['How tall is it?', 'and be brief']);
  });

  it('goes on with a run whose final answer came while input was arriving: the input is not lost', async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let calling!: () => void;
    const called = new Promise<void>((resolve) => {
      calling = resolve;
    });
    const seen: string[][] = [];
    const model: Model = {
      kind: 'model',
      specVersion: 1,
      provider: 'test',
      modelId: 'gated',
      generate: async (request) => {
        seen.push(userTexts(request.messages));
        if (seen.length === 1) {
          calling();
          await answered;
        }
        const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
        return { text: `answer ${seen.length}`, toolCalls: [], usage, finishReason: 'stop' };
      },
    };
    const { runtime } = await configRuntime(['unused'], {}, { models: { demo: model } });
    opened.push(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'Summarise', runId: 'late' });
    await called;
    await runtime.send('late', 'Also list the risks');
    answer();
    const result = await run;
    expect(result.error).toBeUndefined();
    expect(result.output).toBe('answer 2');
    expect(seen[1]).toEqual(['Summarise', 'Also list the risks']);
    expect(await codeOf(runtime.send('late', 'one more'))).toBe('run.finished');
  });
});

describe('cancel and interrupt of a run another process drives', () => {
  /** Two runtimes on one store: `driver` runs the agent, `operator` is another process acting on its runs. */
  async function twoProcesses(agent: Record<string, unknown> = {}) {
    const held = gateTool();
    const store = new MemoryStore();
    const driver = await configRuntime(holdThenAnswer, agent, { tools: [held.tool], store });
    const operator = await configRuntime(holdThenAnswer, agent, { tools: [held.tool], store });
    opened.push(operator.runtime, driver.runtime);
    return { held, driver: driver.runtime, operator: operator.runtime, model: driver.model };
  }

  it('cancel: the run stops for good at its next step boundary, without another model call', async () => {
    const { held, driver, operator, model } = await twoProcesses({ durable: true });
    const run = driver.run({ agent: 'assistant', input: 'How tall is it?', runId: 'remote' });
    await held.inside;
    await operator.cancel('remote', 'Stopped from the console');
    expect((await operator.runs.get('remote'))?.status).toBe('running');
    held.release();
    const result = await run;
    expect(result).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
    expect(model.calls).toHaveLength(1);
    expect((await operator.runs.get('remote'))?.status).toBe('cancelled');
    expect(await codeOf(operator.resume('remote'))).toBe('run.not_resumable');
  });

  it('interrupt: a durable run ends interrupted at its next step boundary and resumes where it stopped', async () => {
    const { held, driver, operator, model } = await twoProcesses({ durable: true });
    const run = driver.run({ agent: 'assistant', input: 'How tall is it?', runId: 'remote' });
    await held.inside;
    await operator.interrupt('remote', 'Moving it to another worker');
    held.release();
    expect((await run).status).toBe('interrupted');
    expect(model.calls).toHaveLength(1);
    const resumed = await operator.resume('remote');
    expect(resumed).toMatchObject({ status: 'completed', output: 'in feet' });
  });

  it('ignores ended and unknown runs', async () => {
    const { held, driver, operator } = await twoProcesses();
    held.release();
    const done = await driver.run({ agent: 'assistant', input: 'brief' });
    expect(done.status).toBe('completed');
    await operator.cancel(done.runId);
    await operator.interrupt('no-such-run');
    expect((await operator.runs.get(done.runId))?.status).toBe('completed');
  });
});
