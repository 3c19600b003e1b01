/** Harness of the builtins-through-YAML tests: a temp project per case, `agentry.yaml` written to it, cleanup. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type AnyAgentryEvent,
  type CreateRuntimeOptions,
  createRuntime,
  type RunResult,
  type Runtime,
} from '@agentry/core';
import { expect } from 'vitest';
import {
  type FakeServer,
  type FakeTurn,
  startFakeAnthropicServer,
  startFakeOpenAIServer,
} from '../../model/__fixtures__/test-support.js';
import { tempDir } from '../../tool/__fixtures__/test-deps.js';

/** One row of the table: proves a builtin works when a YAML file selects it by name. */
export type YamlCase = (project: Project) => Promise<void>;

/** A temp directory holding `agentry.yaml` and whatever a case needs beside it. */
export class Project {
  readonly #cleanups: (() => Promise<unknown>)[] = [];
  readonly configPath: string;

  constructor(readonly dir: string) {
    this.configPath = path.join(dir, 'agentry.yaml');
  }

  /** Writes a file relative to the project directory (parents created). */
  async file(relative: string, content: string): Promise<string> {
    const target = path.join(this.dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    return target;
  }

  /**
   * Writes `yaml` to `agentry.yaml` (or reuses the file written before when `yaml` is undefined) and
   * creates a runtime from that path; it is closed when the case ends.
   */
  async runtime(yaml?: string, options: Omit<CreateRuntimeOptions, 'config'> = {}): Promise<Runtime> {
    if (yaml !== undefined) await writeFile(this.configPath, yaml);
    const runtime = await createRuntime({ config: this.configPath, cwd: this.dir, ...options });
    this.#cleanups.push(() => runtime.close());
    return runtime;
  }

  /** A fake OpenAI Chat Completions server playing `turns`; closed when the case ends. */
  async openai(turns: FakeTurn[]): Promise<FakeServer> {
    const server = await startFakeOpenAIServer({ script: turns });
    this.#cleanups.push(() => server.close());
    return server;
  }

  /** A fake Anthropic Messages server playing `turns`; closed when the case ends. */
  async anthropic(turns: FakeTurn[]): Promise<FakeServer> {
    const server = await startFakeAnthropicServer({ script: turns });
    this.#cleanups.push(() => server.close());
    return server;
  }

  /** Runs `cleanup` when the case ends (after the runtimes it registered later are closed). */
  onCleanup(cleanup: () => Promise<unknown>): void {
    this.#cleanups.push(cleanup);
  }

  /** Closes everything, newest first; the first failure is re-thrown after all ran. */
  async dispose(): Promise<void> {
    const failures: unknown[] = [];
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

/** Runs one case in a fresh temp project and removes it afterwards. */
export async function inProject(label: string, yamlCase: YamlCase): Promise<void> {
  const directory = await tempDir(`yaml-${label.replace(/[^a-z0-9]+/gi, '-')}`);
  const project = new Project(directory.path);
  try {
    await yamlCase(project);
  } finally {
    try {
      await project.dispose();
    } finally {
      await directory.remove();
    }
  }
}

/** Runs `agent` and expects it to complete; returns the result. */
export async function completes(runtime: Runtime, agent: string, input: string, sessionId?: string) {
  const result: RunResult = await runtime.run({ agent, input, ...(sessionId ? { sessionId } : {}) });
  expect(result, JSON.stringify(result.error ?? result.stopReason)).toMatchObject({ status: 'completed' });
  return result;
}

/** The stored events of a run of one type. */
export async function eventsOf<T extends AnyAgentryEvent['type']>(
  runtime: Runtime,
  runId: string,
  type: T,
): Promise<Extract<AnyAgentryEvent, { type: T }>[]> {
  const events = await runtime.runs.events(runId);
  return events.filter((event): event is Extract<AnyAgentryEvent, { type: T }> => event.type === type);
}

/** `<tool>: ok` or `<tool>: <error code>` for every finished tool call of a run, sorted. */
export async function toolOutcomes(runtime: Runtime, runId: string): Promise<string[]> {
  const events = await runtime.runs.events(runId);
  return events
    .flatMap((event) => {
      if (event.type === 'tool.succeeded') return [`${event.data.tool}: ok`];
      if (event.type === 'tool.failed') return [`${event.data.tool}: ${event.data.error.code}`];
      return [];
    })
    .sort();
}

/** The tool results (as text) the fake server was shown in its latest request. */
export function toolResultsSeen(server: FakeServer): string[] {
  const messages = (server.requests.at(-1)?.body.messages ?? []) as { role: string; content?: unknown }[];
  return messages
    .filter((message) => message.role === 'tool')
    .map((message) =>
      typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
    );
}

/** A fake-server turn calling one tool, then (as a second turn) a final answer. */
export function callThenAnswer(tool: string, input: unknown, answer = 'done'): FakeTurn[] {
  return [
    { type: 'tool-calls', toolCalls: [{ id: 'call_1', name: tool, input }] },
    { type: 'text', text: answer },
  ];
}

/** YAML of one model `main` on the fake OpenAI-compatible server and one agent `assistant` with `agentYaml`. */
export function fakeModelYaml(server: FakeServer, agentYaml: string): string {
  return `version: 1
store: memory
models:
  main: { provider: openai-compatible, model: fake-llm, baseURL: "${server.baseURL}" }
agents:
  assistant:
    model: main
${indent(agentYaml, 4)}
`;
}

/** Indents every line of `text` by `spaces`. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .trim()
    .split('\n')
    .map((line) => `${pad}${line}`)
    .join('\n');
}
