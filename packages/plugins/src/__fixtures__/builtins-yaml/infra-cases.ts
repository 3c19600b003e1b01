/** Rows for the top-level slots (store, event bus, runtime) and the model providers. */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type AnyAgentryEvent, DefaultRuntime } from '@agentry/core';
import { createOpenAI } from '@ai-sdk/openai';
import { expect, vi } from 'vitest';
import { completes, type Project, type YamlCase } from './harness.js';

/** YAML with `topLevel` slots, a scripted model `demo` answering `answer`, and an agent `assistant`. */
export function topLevelYaml(topLevel: string, answer = 'stored answer'): string {
  return `version: 1
${topLevel.trim()}
models:
  demo: { provider: scripted, script: [${JSON.stringify(answer)}] }
agents:
  assistant: { model: demo }
`;
}

/**
 * Runs `assistant` under a store slot, closes the runtime, opens a second one from the same YAML file and
 * returns what that one finds of the run.
 */
export async function runAndReopen(project: Project, storeYaml: string) {
  const first = await project.runtime(topLevelYaml(storeYaml));
  const result = await completes(first, 'assistant', 'remember this run');
  expect(await first.runs.get(result.runId)).toMatchObject({ status: 'completed', output: 'stored answer' });
  await first.close();
  const second = await project.runtime();
  return {
    runId: result.runId,
    record: await second.runs.get(result.runId),
    events: await second.runs.events(result.runId),
  };
}

/** Runs `assistant` under an event-bus slot; returns the runtime, the run and the events its subscribers got. */
export async function runOnBus(project: Project, eventsYaml: string) {
  const runtime = await project.runtime(topLevelYaml(`store: memory\n${eventsYaml}`));
  const received: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => void received.push(event));
  const result = await completes(runtime, 'assistant', 'hello');
  return { runtime, result, received };
}

/** Model YAML for a provider against a fake server; returns what the server was asked. */
async function modelThroughFake(project: Project, provider: string, server: { baseURL: string }) {
  const runtime = await project.runtime(`version: 1
store: memory
models:
  main: { provider: ${provider}, model: fake-model-7, apiKey: sk-yaml-test-key, maxOutputTokens: 64, baseURL: "${server.baseURL}" }
agents:
  assistant: { model: main, instructions: Be brief. }
`);
  const result = await completes(runtime, 'assistant', 'say hi');
  expect(result.output).toBe('hi from the fake server');
  expect(result.usage).toMatchObject({ modelCalls: 1, inputTokens: 11, outputTokens: 4 });
}

const fakeAnswer = {
  type: 'text' as const,
  text: 'hi from the fake server',
  usage: { inputTokens: 11, outputTokens: 4 },
};

export const INFRA_CASES: Record<string, YamlCase> = {
  'store memory': async (project) => {
    const { record } = await runAndReopen(project, 'store: memory');
    expect(record).toBeUndefined();
  },
  'store sqlite': async (project) => {
    const { record, events } = await runAndReopen(
      project,
      'store: { type: sqlite, config: { path: data/agentry.db } }',
    );
    expect(existsSync(path.join(project.dir, 'data/agentry.db'))).toBe(true);
    expect(record).toMatchObject({ status: 'completed', output: 'stored answer' });
    expect(events.at(-1)?.type).toBe('run.completed');
  },
  'store file': async (project) => {
    const { record, events } = await runAndReopen(
      project,
      'store: { type: file, config: { path: data/store.json } }',
    );
    expect(await readFile(path.join(project.dir, 'data/store.json'), 'utf8')).toContain('stored answer');
    expect(record).toMatchObject({ status: 'completed', output: 'stored answer' });
    expect(events.at(-1)?.type).toBe('run.completed');
  },
  'event-bus mitt': async (project) => {
    const { runtime, result, received } = await runOnBus(project, 'events: mitt');
    expect(runtime.events.name).toBe('mitt');
    expect(received.filter((event) => event.runId === result.runId).map((event) => event.type)).toContain(
      'run.completed',
    );
  },
  'event-bus ndjson-file': async (project) => {
    const { runtime, result, received } = await runOnBus(
      project,
      'events: { type: ndjson-file, config: { path: "logs/{runId}.ndjson", exclude: [model.delta] } }',
    );
    expect(runtime.events.name).toBe('ndjson-file');
    await runtime.close();
    expect(await readdir(path.join(project.dir, 'logs'))).toEqual([`${result.runId}.ndjson`]);
    const text = await readFile(path.join(project.dir, 'logs', `${result.runId}.ndjson`), 'utf8');
    const logged = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AnyAgentryEvent);
    expect(logged.map((event) => event.type)).toEqual(
      received.filter((event) => event.type !== 'model.delta').map((event) => event.type),
    );
    expect(logged[0]?.type).toBe('run.started');
    expect(logged.at(-1)).toMatchObject({ type: 'run.completed', runId: result.runId });
  },
  'event-bus console': async (project) => {
    const printed: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const { runtime, result } = await runOnBus(
        project,
        'events: { type: console, config: { color: never, include: [run.started, run.completed] } }',
      );
      expect(runtime.events.name).toBe('console');
      const lines = printed.join('').split('\n');
      // Only the included types are printed, one line each, in order.
      expect(lines.filter((line) => /\b(run|step|model|context|memory)\.[a-z]+/.test(line))).toEqual([
        expect.stringContaining('run.started'),
        expect.stringContaining('run.completed'),
      ]);
      expect(result.status).toBe('completed');
    } finally {
      write.mockRestore();
    }
  },
  'event-bus otel': async (project) => {
    const { runtime, result, received } = await runOnBus(
      project,
      'events: { type: otel, config: { tracerName: yaml-test } }',
    );
    expect(runtime.events.name).toBe('otel');
    // Spans go to the global (no-op) tracer provider; the events still reach subscribers through the inner bus.
    expect(received.filter((event) => event.runId === result.runId).at(-1)?.type).toBe('run.completed');
  },
  'model scripted': async (project) => {
    await project.file(
      'scripts/demo.yaml',
      '- { toolCalls: [{ tool: calc, input: { expression: "3 * 3" } }] }\n- nine\n',
    );
    const runtime = await project.runtime(`version: 1
store: memory
models:
  demo: { provider: scripted, script: scripts/demo.yaml, model: scripted-from-file }
agents:
  assistant: { model: demo, tools: [calc] }
`);
    const result = await completes(runtime, 'assistant', 'three squared');
    expect(result).toMatchObject({ output: 'nine', usage: { modelCalls: 2, toolCalls: 1 } });
  },
  'model openai': async (project) => {
    const server = await project.openai([fakeAnswer]);
    await modelThroughFake(project, 'openai', server);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-yaml-test-key');
    expect(server.requests[0]?.body.model).toBe('fake-model-7');
  },
  'model anthropic': async (project) => {
    const server = await project.anthropic([fakeAnswer]);
    await modelThroughFake(project, 'anthropic', server);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toMatch(/\/messages$/);
    expect(server.requests[0]?.headers['x-api-key']).toBe('sk-yaml-test-key');
    expect(server.requests[0]?.body).toMatchObject({ model: 'fake-model-7', system: expect.anything() });
  },
  'model openai-compatible': async (project) => {
    const server = await project.openai([fakeAnswer]);
    await modelThroughFake(project, 'openai-compatible', server);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(server.requests[0]?.body).toMatchObject({ model: 'fake-model-7' });
  },
  'model ai-sdk': async (project) => {
    // Code only: the AI SDK object passed to createRuntime({ models }) takes the place of the YAML's `demo`.
    const server = await project.openai([fakeAnswer]);
    const languageModel = createOpenAI({ apiKey: 'sk-yaml-test-key', baseURL: server.baseURL }).chat(
      'fake-model-7',
    );
    const runtime = await project.runtime(topLevelYaml('store: memory', 'never played'), {
      models: { demo: languageModel },
    });
    const result = await completes(runtime, 'assistant', 'hello');
    expect(result).toMatchObject({
      output: 'hi from the fake server',
      usage: { inputTokens: 11, outputTokens: 4 },
    });
    await expect(
      project.runtime('version: 1\nstore: memory\nmodels:\n  main: { provider: ai-sdk }\n'),
    ).rejects.toThrow(/only be passed in code/);
  },
  'queue local': async (project) => {
    const runtime = await project.runtime(topLevelYaml('store: memory\nqueue: local'));
    const { runId } = await runtime.enqueue({ agent: 'assistant', input: 'queued in process' });
    await vi.waitFor(async () => expect((await runtime.runs.get(runId))?.status).toBe('completed'), {
      timeout: 15_000,
      interval: 20,
    });
    expect(await runtime.runs.get(runId)).toMatchObject({ output: 'stored answer' });
  },
  'runtime default': async (project) => {
    const runtime = await project.runtime(topLevelYaml('runtime: default\nstore: memory', 'orchestrated'));
    expect(runtime).toBeInstanceOf(DefaultRuntime);
    expect(runtime.agents()).toEqual(['assistant']);
    expect(await completes(runtime, 'assistant', 'go')).toMatchObject({ output: 'orchestrated' });
  },
};
