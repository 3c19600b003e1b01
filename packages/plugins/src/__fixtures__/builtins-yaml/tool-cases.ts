/** Rows for the `tool` builtins: a fake model calls the tool from YAML and is shown its result on the next request. */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  callThenAnswer,
  completes,
  fakeModelYaml,
  type Project,
  toolOutcomes,
  toolResultsSeen,
  type YamlCase,
} from './harness.js';

const mcpServer = fileURLToPath(new URL('../../tool/__fixtures__/mcp-stdio-server.mjs', import.meta.url));

/** Runs `assistant` whose fake model calls `tool` with `input`; returns the tool results it was shown next. */
async function callTool(project: Project, tools: string, tool: string, input: unknown): Promise<string[]> {
  const server = await project.openai(callThenAnswer(tool, input));
  const runtime = await project.runtime(fakeModelYaml(server, `tools:\n${tools}`));
  const result = await completes(runtime, 'assistant', 'use the tool');
  expect(await toolOutcomes(runtime, result.runId)).toEqual([`${tool}: ok`]);
  expect(server.requests).toHaveLength(2);
  return toolResultsSeen(server);
}

/** A local HTTP server answering every GET with a fixed text. */
async function helloServer(project: Project): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('hello from the local server');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.onCleanup(() => new Promise((resolve) => server.close(resolve)));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export const TOOL_CASES: Record<string, YamlCase> = {
  'tool read-file': async (project) => {
    await project.file('ws/notes.txt', 'the launch code is tangerine');
    const seen = await callTool(project, '  - { type: read-file, config: { root: ./ws } }', 'read-file', {
      path: 'notes.txt',
    });
    expect(seen.join()).toContain('the launch code is tangerine');
  },
  'tool write-file': async (project) => {
    await project.file('out/.keep', '');
    const seen = await callTool(project, '  - { type: write-file, config: { root: ./out } }', 'write-file', {
      path: 'report/summary.md',
      content: '# Report',
    });
    expect(await readFile(path.join(project.dir, 'out/report/summary.md'), 'utf8')).toBe('# Report');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('summary.md');
  },
  'tool list-files': async (project) => {
    await project.file('ws/alpha.txt', 'a');
    await project.file('ws/sub/beta.txt', 'b');
    const seen = await callTool(project, '  - { type: list-files, config: { root: ./ws } }', 'list-files', {
      path: '.',
      recursive: true,
    });
    expect(seen.join()).toContain('alpha.txt');
    expect(seen.join()).toContain('beta.txt');
  },
  'tool search-files': async (project) => {
    await project.file('ws/a.txt', 'nothing here\n');
    await project.file('ws/b.txt', 'first line\nthe needle is here\n');
    const seen = await callTool(
      project,
      '  - { type: search-files, config: { root: ./ws } }',
      'search-files',
      { query: 'needle' },
    );
    expect(seen.join()).toContain('the needle is here');
    expect(seen.join()).toContain('b.txt');
    expect(seen.join()).not.toContain('a.txt');
  },
  'tool http': async (project) => {
    const host = await helloServer(project);
    const seen = await callTool(
      project,
      `  - { type: http, config: { allowHosts: ["${host}"], allowPrivate: true, methods: [GET] } }`,
      'http',
      { url: `http://${host}/greeting` },
    );
    expect(seen.join()).toContain('hello from the local server');
  },
  'tool shell': async (project) => {
    await project.file('ws/.keep', '');
    const seen = await callTool(
      project,
      `  - type: shell\n    config: { root: ./ws, allowCommands: [${JSON.stringify(process.execPath)}], approval: never }`,
      'shell',
      { command: process.execPath, args: ['-e', 'process.stdout.write("shell says hi")'] },
    );
    expect(seen.join()).toContain('shell says hi');
  },
  'tool calc': async (project) => {
    const seen = await callTool(project, '  - calc', 'calc', { expression: '6 * 7' });
    expect(JSON.parse(seen[0] ?? '{}')).toMatchObject({ result: 42 });
  },
  'tool time': async (project) => {
    const seen = await callTool(
      project,
      '  - { type: time, config: { defaultTimeZone: Asia/Tokyo } }',
      'time',
      {},
    );
    expect(JSON.parse(seen[0] ?? '{}')).toMatchObject({ timeZone: 'Asia/Tokyo', offset: '+09:00' });
  },
  'tool mcp': async (project) => {
    const config = `{ command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(mcpServer)}], prefix: fx_, tools: [add] }`;
    const seen = await callTool(project, `  - { type: mcp, config: ${config} }`, 'fx_add', { a: 20, b: 22 });
    expect(seen.join()).toContain('42');
  },
  'tool agent': async (project) => {
    const server = await project.openai(callThenAnswer('agent_worker', { input: 'count the apples' }));
    const runtime = await project.runtime(`version: 1
store: memory
models:
  main: { provider: openai-compatible, model: fake-llm, baseURL: "${server.baseURL}" }
  work: { provider: scripted, script: ["There are 7 apples."] }
agents:
  assistant:
    model: main
    tools:
      - { type: agent, config: { agent: worker } }
  worker:
    model: work
`);
    const result = await completes(runtime, 'assistant', 'delegate it');
    expect(await toolOutcomes(runtime, result.runId)).toEqual(['agent_worker: ok']);
    expect(toolResultsSeen(server).join()).toContain('There are 7 apples.');
    const children = await runtime.runs.list({ parentRunId: result.runId });
    expect(children.map((child) => [child.agentId, child.status, child.input])).toEqual([
      ['worker', 'completed', 'count the apples'],
    ]);
  },
};
