import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ModelRequest } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Tool } from '../../contracts/tool.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const note = defineTool({
  name: 'note',
  description: 'Stores a note',
  input: z.object({ value: z.string() }),
  sideEffects: 'none',
  execute: () => 'ok',
});

/** A tool whose input is no zod schema: it cannot be shown to a model as JSON Schema. */
const opaque: Tool = { ...note, name: 'opaque', input: { parse: (value: unknown) => value } as never };

async function runtimeWith(tools: Tool[], model: ScriptedModel): Promise<Runtime> {
  const runtime = await createRuntime({
    config: { version: 1, agents: { a: { model: 'm' } } },
    models: { m: model },
    tools,
  });
  opened.push(runtime);
  return runtime;
}

describe('tool specs of an agent (JSON Schema of the tool inputs)', () => {
  it('reach the model on every run, made once', async () => {
    const model = new ScriptedModel({ script: ['one'], record: true });
    const runtime = await runtimeWith([note], model);
    await runtime.run({ agent: 'a', input: 'go' });
    await runtime.run({ agent: 'a', input: 'again' });
    const [first, second] = model.calls as ModelRequest[];
    expect(first?.tools).toEqual([
      {
        name: 'note',
        description: 'Stores a note',
        inputSchema: expect.objectContaining({ type: 'object', required: ['value'] }),
      },
    ]);
    expect(second?.tools?.[0]?.inputSchema).toBe(first?.tools?.[0]?.inputSchema);
  });

  it('of an input that cannot be shown fail the run and describeAgent with config.invalid, not createRuntime', async () => {
    const runtime = await runtimeWith([opaque], new ScriptedModel({ script: ['never'] }));
    const result = await runtime.run({ agent: 'a', input: 'go' });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      code: 'config.invalid',
      message: 'The input schema of tool "opaque" cannot be shown to the model as JSON Schema',
    });
    let described: unknown;
    try {
      runtime.describeAgent?.('a');
    } catch (error) {
      described = error;
    }
    expect(isAgentryError(described) && described.code).toBe('config.invalid');
  });
});
