/**
 * The packages as a user's project installs them: `npm pack` of cli and every `@agentry/*` package it depends
 * on (core, plugins, server, console …), the tarballs installed
 * into a project outside the repository, then an agent run with the CLI, from an ES module and from a
 * CommonJS module. A dependency missing from a package's `dependencies`, or a file missing from its `files`,
 * fails here (nothing resolves from the repository's node_modules).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliOutcome, REPO_DIR, scratchDir } from './__fixtures__/cli-harness.js';

/** A ceiling against hangs (npm pack, npm install and several node starts), not a timing assertion. */
const TEST_TIMEOUT_MS = 600_000;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function run(command: string, args: string[], cwd: string): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const CONFIG = `version: 1
store: memory
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: read-file, input: { path: notes.txt } }]
      - The notes say hello.
agents:
  assistant:
    model: demo
    tools:
      - { type: read-file, config: { root: ./workspace } }
`;

const RUN = `const runtime = await createRuntime({ config: './agentry.yaml' });
  const result = await runtime.run({ agent: 'assistant', input: 'Read the notes' });
  console.log(JSON.stringify({ status: result.status, output: result.output }));
  await runtime.close();`;

const ESM = `import { createRuntime } from '@agentry/core';\n${RUN.replaceAll('\n  ', '\n')}\n`;
const CJS = `const { createRuntime } = require('@agentry/core');\n(async () => {\n  ${RUN}\n})();\n`;

/** `packages/<name>` and every `@agentry/*` package it depends on, transitively (directory names). */
function agentryPackages(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const manifest = JSON.parse(
    readFileSync(path.join(REPO_DIR, 'packages', name, 'package.json'), 'utf8'),
  ) as {
    dependencies?: Record<string, string>;
  };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    if (dependency.startsWith('@agentry/')) agentryPackages(dependency.slice('@agentry/'.length), seen);
  }
  return seen;
}

describe('the packed packages in a project outside the repository', { timeout: TEST_TIMEOUT_MS }, () => {
  it('install from their tarballs and run an agent with the CLI, from ESM and from CommonJS', async () => {
    const scratch = scratchDir({}, { inRepo: false });
    cleanups.push(scratch.remove);
    const tarballs = path.join(scratch.dir, 'tarballs');
    mkdirSync(tarballs);
    const dependencies: Record<string, string> = {};
    for (const name of agentryPackages('cli')) {
      const packed = await run(
        'npm',
        ['pack', path.join(REPO_DIR, 'packages', name), '--pack-destination', tarballs, '--silent'],
        scratch.dir,
      );
      expect(packed.code, packed.stderr).toBe(0);
      dependencies[`@agentry/${name}`] = `file:${path.join(tarballs, packed.stdout.trim())}`;
    }
    const cliManifest = JSON.parse(
      readFileSync(path.join(REPO_DIR, 'packages/cli/package.json'), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
    };
    dependencies.zod = cliManifest.dependencies.zod!;

    const project = path.join(scratch.dir, 'app');
    mkdirSync(path.join(project, 'workspace'), { recursive: true });
    mkdirSync(path.join(project, 'cjs'));
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'packed-app', private: true, type: 'module', dependencies }, null, 2),
    );
    writeFileSync(path.join(project, 'agentry.yaml'), CONFIG);
    writeFileSync(path.join(project, 'workspace/notes.txt'), 'hello\n');
    writeFileSync(path.join(project, 'embed.js'), ESM);
    // A CommonJS package of its own: `require()` of core's ES module entry (Node 20.19+).
    writeFileSync(path.join(project, 'cjs/package.json'), '{ "type": "commonjs" }\n');
    writeFileSync(path.join(project, 'cjs/embed.js'), CJS);
    writeFileSync(path.join(project, 'cjs/agentry.yaml'), CONFIG);
    mkdirSync(path.join(project, 'cjs/workspace'));
    writeFileSync(path.join(project, 'cjs/workspace/notes.txt'), 'hello\n');

    // From the local cache where it can; install scripts are skipped (better-sqlite3 would compile, and the
    // memory store does not need it).
    const installed = await run(
      'npm',
      ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'],
      project,
    );
    expect(installed.code, installed.stderr).toBe(0);

    const version = await run('npx', ['agentry', '--version'], project);
    expect(version.stdout.trim()).toBe('0.1.0');
    const validated = await run('npx', ['agentry', 'validate'], project);
    expect(validated.stdout, validated.stderr).toContain('agentry.yaml is valid');
    const cli = await run('npx', ['agentry', 'run', 'assistant', 'Read the notes', '--json'], project);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ status: 'completed', output: 'The notes say hello.' });

    const expected = `${JSON.stringify({ status: 'completed', output: 'The notes say hello.' })}\n`;
    const esm = await run('node', ['embed.js'], project);
    expect(esm.stderr).toBe('');
    expect(esm.stdout).toBe(expected);
    const cjs = await run('node', ['embed.js'], path.join(project, 'cjs'));
    expect(cjs.stderr).not.toMatch(/Error/);
    expect(cjs.stdout).toBe(expected);
  });
});
