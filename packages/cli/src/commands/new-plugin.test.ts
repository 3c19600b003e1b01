import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, SPAWN_TEST_TIMEOUT_MS, scratchDir } from '../__fixtures__/cli-harness.js';
import { SCAFFOLD_KINDS } from '../plugin-templates.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const CONFIG = `version: 1
store: memory
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: text-length, input: { text: "hello" } }]
      - Done.
agents:
  helper:
    model: demo
    memory: { impl: ./plugins/pinned-notes-memory.ts#pinnedNotes, config: { notes: ["Be brief."] } }
    tools:
      - { impl: ./plugins/text-length-tool.ts#textLength }
`;

const HEADER = `version: 1
store: memory
models:
  demo:
    provider: scripted
    script: [Done.]
`;

/** The YAML block the command printed (the indented lines after "Use it in agentry.yaml"), dedented. */
function printedSnippet(stdout: string): string {
  const after = stdout.slice(stdout.indexOf('Use it in agentry.yaml'));
  const block = after.split('\n\n')[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.slice(2))
    .join('\n');
}

/** Pastes `snippet` into a config as a user would: names the agent and gives it a model. */
function pasted(snippet: string): string {
  const lines = snippet.split('\n');
  const agentLine = lines.findIndex((line) => line.trim() === '<agent>:');
  const keyIndent = /^\s*/.exec(lines[agentLine + 1] ?? '')?.[0] ?? '';
  lines.splice(agentLine, 1, lines[agentLine]!.replace('<agent>', 'helper'), `${keyIndent}model: demo`);
  return `${HEADER}${lines.join('\n')}\n`;
}

describe('agentry new plugin', () => {
  it.each([
    [
      'tool',
      'word-count',
      /^agents:\n {2}<agent>:\n {4}tools:\n {6}- \{ impl: \.\/plugins\/word-count-tool\.ts#wordCount \}$/,
    ],
    [
      'memory',
      'house-rules',
      /^agents:\n {2}<agent>:\n {4}memory: \{ impl: \.\/plugins\/house-rules-memory\.ts#houseRules, /,
    ],
  ])('prints %s YAML that validates and loads once pasted into a config', async (kind, name, shape) => {
    const scratch = scratchDir();
    cleanups.push(scratch.remove);
    const created = await cli(['new', 'plugin', kind, name], { cwd: scratch.dir });
    expect(created.code).toBe(0);
    const snippet = printedSnippet(created.stdout);
    expect(snippet).toMatch(shape);
    writeFileSync(path.join(scratch.dir, 'agentry.yaml'), pasted(snippet));
    const validated = await cli(['validate', '--load'], { cwd: scratch.dir });
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('1 agent(s) [helper]');
  });

  it('scaffolds a tool and a memory that load and run as written', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const tool = await cli(['new', 'plugin', 'tool', 'text-length'], { cwd: scratch.dir });
    expect(tool.code).toBe(0);
    expect(tool.stdout).toContain('{ impl: ./plugins/text-length-tool.ts#textLength }');
    const memory = await cli(['new', 'plugin', 'memory', 'pinned-notes'], { cwd: scratch.dir });
    expect(memory.code).toBe(0);
    expect(readFileSync(path.join(scratch.dir, 'plugins/pinned-notes-memory.ts'), 'utf8')).toContain(
      "kind: 'memory'",
    );

    const run = await cli(['run', 'helper', 'measure hello', '--json'], { cwd: scratch.dir });
    expect(run.stderr).toMatch(/tool\s+text-length \{"text":"hello"\} · \S+ · ok/);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', output: 'Done.' });
    expect(run.code).toBe(0);

    const again = await cli(['new', 'plugin', 'tool', 'text-length'], { cwd: scratch.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('refuses kinds without a template and bad names', async () => {
    const kind = await cli(['new', 'plugin', 'tol', 'x']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('Did you mean "tool"?');
    const name = await cli(['new', 'plugin', 'tool', 'Bad Name']);
    expect(name.code).toBe(2);
  });

  it('scaffolds every kind with a conformance test that passes and YAML that loads', {
    timeout: SPAWN_TEST_TIMEOUT_MS * 2,
  }, async () => {
    const scratch = scratchDir({ 'vitest.config.mjs': 'export default {};\n' });
    cleanups.push(scratch.remove);
    for (const kind of SCAFFOLD_KINDS) {
      const created = await cli(['new', 'plugin', kind, 'my-thing'], { cwd: scratch.dir });
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain(`wrote plugins/my-thing-${kind}.test.ts`);
      writeFileSync(path.join(scratch.dir, `${kind}.yaml`), configWith(printedSnippet(created.stdout)));
      const validated = await cli(['validate', '--load', '--config', `${kind}.yaml`], { cwd: scratch.dir });
      expect(validated.stderr, `${kind}: ${validated.stderr}`).toBe('');
      expect(validated.code).toBe(0);
      expect(validated.stdout).toContain('1 agent(s) [helper]');
    }

    const report = path.join(scratch.dir, 'report.json');
    const result = await runVitest(scratch.dir, [
      'run',
      'plugins',
      '--reporter=json',
      `--outputFile=${report}`,
    ]);
    const files = (JSON.parse(readFileSync(report, 'utf8')) as VitestReport).testResults;
    for (const kind of SCAFFOLD_KINDS) {
      const file = files.find((entry) => entry.name.endsWith(`plugins/my-thing-${kind}.test.ts`));
      expect(file, `${kind} conformance test did not run:\n${result}`).toBeDefined();
      const failed = file?.assertionResults.filter((test) => test.status !== 'passed') ?? [];
      expect(failed.map((test) => `${kind}: ${test.fullName}`)).toEqual([]);
      expect(file?.assertionResults.length).toBeGreaterThan(3);
    }
  });
});

interface VitestReport {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

/** Runs the repository's vitest as a user would in their own project directory; resolves with its output. */
function runVitest(cwd: string, args: string[]): Promise<string> {
  const bin = path.join(
    path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
    'vitest.mjs',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: '' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(output));
  });
}

/** A config holding a printed snippet: the agent named `helper`, with the scripted model unless it names one. */
function configWith(snippet: string): string {
  let body = snippet.replace('<agent>:', 'helper:');
  if (!/^agents:/m.test(body)) body += '\nagents:\n  helper:\n    model: demo';
  else if (!/^ {4}model:/m.test(body)) body = body.replace('  helper:', '  helper:\n    model: demo');
  const models = 'models:\n  demo:\n    provider: scripted\n    script: [Done.]';
  body = /^models:/m.test(body) ? body.replace('models:', models) : `${models}\n${body}`;
  return `version: 1\n${body}\n`;
}
