import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../contracts/runtime.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { defineTool } from '../plugin/define-tool.js';
import { createRuntime } from './create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'agentry-runtime-'));
}

function writeFileTool(root: string) {
  return defineTool({
    name: 'write-file',
    description: 'Writes a text file in the workspace',
    input: z.object({ path: z.string().regex(/^[a-z0-9._-]+$/), content: z.string() }),
    sideEffects: 'idempotent',
    execute: ({ path, content }) => {
      writeFileSync(join(root, path), content);
      return { written: content.length };
    },
  });
}

const yaml = `
version: 1
store: memory
events: mitt
models:
  demo:
    provider: scripted
    script:
      - toolCalls:
          - tool: write-file
            input: { path: notes.txt, content: hello from the agent }
      - text: I wrote notes.txt.
agents:
  assistant:
    model: demo
    instructions: You write files.
    pattern: { type: tool-loop, config: { maxSteps: 5 } }
    budget: { maxToolCalls: 3 }
`;

describe('createRuntime from a YAML config', () => {
  it('runs an agent that writes a file through a tool and reports output and usage', async () => {
    const dir = workspace();
    const configPath = join(dir, 'agentry.yaml');
    writeFileSync(configPath, yaml);
    const runtime = await createRuntime({ config: configPath, tools: [writeFileTool(dir)] });
    opened.push(runtime);
    expect(runtime.agents()).toEqual(['assistant']);

    const result = await runtime.run({ agent: 'assistant', input: 'write a note' });

    expect(result.status).toBe('completed');
    expect(result.stopReason).toBe('completed');
    expect(result.output).toBe('I wrote notes.txt.');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('hello from the agent');
    expect(result.usage.modelCalls).toBe(2);
    expect(result.usage.toolCalls).toBe(1);
    expect(result.usage.totalTokens).toBe(result.usage.inputTokens + result.usage.outputTokens);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(result.pending).toEqual([]);
    const record = await runtime.runs.get(result.runId);
    expect(record).toMatchObject({ status: 'completed', stopReason: 'completed', agentId: 'assistant' });
  });

  it('loads config hooks once from impl paths and runs them around every call', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes',
      input: z.object({ text: z.string() }),
      sideEffects: 'none',
      execute: ({ text }) => text,
    });
    const model = new ScriptedModel({
      record: true,
      script: [
        {
          toolCalls: [
            { tool: 'echo', input: { text: 'hello' } },
            { tool: 'echo', input: { text: 'my secret' } },
          ],
        },
        'done',
      ],
    });
    const runtime = await createRuntime({
      cwd: fileURLToPath(new URL('./__fixtures__/', import.meta.url)),
      config: {
        version: 1,
        agents: {
          assistant: {
            model: 'demo',
            hooks: { before: ['./hooks.ts#refuseSecrets'], after: ['./hooks.ts#markOutputs'] },
          },
        },
      },
      models: { demo: model },
      tools: [echo],
    });
    opened.push(runtime);
    await runtime.run({ agent: 'assistant', input: 'x' });
    const results = model.calls[1]!.messages.filter((message) => message.role === 'tool');
    expect(results.map((message) => message.content)).toEqual([
      'hello (checked)',
      { error: { code: 'tool.vetoed', message: 'inputs must not mention secrets' } },
    ]);
  });

  it('refuses an unknown agent with a did-you-mean', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'agentry.yaml'), yaml);
    const runtime = await createRuntime({ config: join(dir, 'agentry.yaml'), tools: [writeFileTool(dir)] });
    opened.push(runtime);
    const error = await runtime.run({ agent: 'asistant', input: 'x' }).catch((caught: unknown) => caught);
    expect(isAgentryError(error) && error.code).toBe('agent.not_found');
    expect((error as Error).message).toContain('did you mean "assistant"?');
  });

  it('refuses two tools with the same name', async () => {
    const dir = workspace();
    const tool = writeFileTool(dir);
    const error = await createRuntime({
      config: {
        version: 1,
        models: { demo: { provider: 'scripted', script: ['hi'] } },
        agents: { assistant: { model: 'demo' } },
      },
      tools: [tool, tool],
    }).catch((caught: unknown) => caught);
    expect(isAgentryError(error) && error.code).toBe('tool.duplicate_name');
  });

  it('names the unknown model of an agent', async () => {
    const error = await createRuntime({
      config: {
        version: 1,
        models: { demo: { provider: 'scripted', script: ['hi'] } },
        agents: { assistant: { model: 'dmeo' } },
      },
    }).catch((caught: unknown) => caught);
    expect(isAgentryError(error) && error.code).toBe('config.invalid');
    expect((error as Error).message).toContain('did you mean "demo"?');
  });

  it('rejects a malformed run request with the field named', async () => {
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: { demo: { provider: 'scripted', script: ['hi'] } },
        agents: { a: { model: 'demo' } },
      },
    });
    opened.push(runtime);
    const error = await runtime
      .run({ agent: 'a', input: 42 as unknown as string })
      .catch((caught: unknown) => caught);
    expect(isAgentryError(error) && error.code).toBe('run.request_invalid');
    expect((error as Error).message).toContain('input');
  });
});

describe('createRuntime: the agent config a checkpoint was written under', () => {
  const approvalTool = defineTool({
    name: 'deploy',
    description: 'Deploys',
    input: z.object({ target: z.string() }),
    sideEffects: 'idempotent',
    approval: 'always',
    execute: () => ({ deployed: true }),
  });
  const script = [{ toolCalls: [{ tool: 'deploy', input: { target: 'prod' } }] }, 'deployed'];

  async function runtimeWith(store: MemoryStore, instructions: string) {
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: { demo: { provider: 'scripted', script } },
        agents: { assistant: { model: 'demo', instructions, durable: true } },
      },
      store,
      tools: [approvalTool],
    });
    opened.push(runtime);
    return runtime;
  }

  it('resumes under the same agent config and refuses a resume under a changed one', async () => {
    const store = new MemoryStore();
    const first = await runtimeWith(store, 'Deploy carefully.');
    const suspended = await first.run({ agent: 'assistant', input: 'Deploy it' });
    expect(suspended.status).toBe('suspended');
    const decisions = { [suspended.pending[0]!.callId]: { approve: true } };
    const changed = await runtimeWith(store, 'Deploy quickly.');
    const refused = await changed.resume(suspended.runId, { decisions }).catch((error: unknown) => error);
    expect(isAgentryError(refused) ? refused.code : refused).toBe('checkpoint.mismatch');
    const same = await runtimeWith(store, 'Deploy carefully.');
    expect((await same.resume(suspended.runId, { decisions })).output).toBe('deployed');
  });
});
