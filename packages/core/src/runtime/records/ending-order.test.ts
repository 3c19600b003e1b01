/**
 * A subscriber that hears how a run ended (`run.completed`, `run.failed`, `run.suspended`, `run.cancelled`,
 * `run.interrupted`, `run.rejected`) and reads the run's record finds the record saying so: the bus hears the ending once
 * it is stored, durable or not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EventType, RUN_ENDING_EVENTS } from '../../contracts/events.js';
import type { RunRecord } from '../../contracts/run.js';
import type { Runtime } from '../../contracts/runtime.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { gateTool } from '../__fixtures__/gate-tool.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** What the store said about each run at the moment the bus delivered its ending. */
function recordsAtEnding(runtime: Runtime): Map<string, { type: EventType; record: RunRecord | undefined }> {
  const seen = new Map<string, { type: EventType; record: RunRecord | undefined }>();
  for (const type of RUN_ENDING_EVENTS) {
    runtime.events.on(type, async (event) => {
      seen.set(event.runId, { type, record: await runtime.runs.get(event.runId) });
    });
  }
  return seen;
}

describe.each([false, true])('the record when the bus hears the ending (durable: %s)', (durable) => {
  it('suspended, then completed', async () => {
    const send = recordingTool('send', { approval: 'always' });
    const { runtime } = await configRuntime(
      [{ toolCalls: [{ tool: 'send', input: { value: 'v' } }] }, { text: 'ok' }],
      { durable },
      { tools: [send.tool] },
    );
    opened.push(runtime);
    const seen = recordsAtEnding(runtime);
    const first = await runtime.run({ agent: 'assistant', input: 'go' });
    expect(first.status).toBe('suspended');
    expect(seen.get(first.runId)?.record?.status).toBe('suspended');
    if (durable) {
      const resumed = await runtime.resume(first.runId, {
        decisions: { [first.pending[0]!.callId]: { approve: true } },
      });
      expect(resumed.status).toBe('completed');
      expect(seen.get(first.runId)).toMatchObject({ type: 'run.completed', record: { status: 'completed' } });
    }
  });

  it('failed', async () => {
    const note = recordingTool('note');
    // One model answer only: the second model call finds the script used up and the run fails.
    const { runtime } = await configRuntime(
      [{ toolCalls: [{ tool: 'note', input: { value: 'v' } }] }],
      { durable },
      { tools: [note.tool] },
    );
    opened.push(runtime);
    const seen = recordsAtEnding(runtime);
    const failed = await runtime.run({ agent: 'assistant', input: 'go' });
    expect(failed.status).toBe('failed');
    expect(seen.get(failed.runId)).toMatchObject({ type: 'run.failed', record: { status: 'failed' } });
  });

  it('rejected (a beforeRun hook refuses the run)', async () => {
    const { runtime } = await configRuntime(
      [{ text: 'never asked' }],
      { durable },
      {
        runHooks: { beforeRun: [() => ({ block: 'closed for the night' })] },
      },
    );
    opened.push(runtime);
    const seen = recordsAtEnding(runtime);
    const refused = await runtime.run({ agent: 'assistant', input: 'go' });
    expect(refused.status).toBe('rejected');
    expect(seen.get(refused.runId)).toMatchObject({ type: 'run.rejected', record: { status: 'rejected' } });
  });

  it('cancelled and interrupted', async () => {
    const held = gateTool();
    const { runtime } = await configRuntime(
      [{ toolCalls: [{ tool: 'hold', input: {} }] }, { text: 'done' }],
      { durable },
      { tools: [held.tool] },
    );
    opened.push(runtime);
    const seen = recordsAtEnding(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'go', runId: 'stopped' });
    await held.inside;
    await Promise.all([durable ? runtime.interrupt('stopped') : runtime.cancel('stopped'), held.release()]);
    const result = await run;
    const status = durable ? 'interrupted' : 'cancelled';
    expect(result.status).toBe(status);
    expect(seen.get('stopped')).toMatchObject({ type: `run.${status}`, record: { status } });
  });
});
