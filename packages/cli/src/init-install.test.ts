/** End-to-end: `agentry init` from this checkout, then the printed steps exactly as printed: install offline, run, resume. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, CLI_DIR, type CliOutcome, REPO_DIR, scratchDir } from './__fixtures__/cli-harness.js';

/** A ceiling against hangs (npm and several node starts), not a timing assertion. */
const TEST_TIMEOUT_MS = 180_000;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Runs one printed shell command in `cwd`. npm may not reach any registry: every fetch would fail. */
function shell(command: string, cwd: string): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_update_notifier: 'false',
      },
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

/** The indented command lines under `Next:` in init's output. */
function nextSteps(stdout: string): string[] {
  const after = stdout.split('\nNext:\n')[1] ?? '';
  const lines: string[] = [];
  for (const line of after.split('\n')) {
    if (!line.startsWith('  ')) break;
    lines.push(line.trim());
  }
  return lines;
}

describe('a project scaffolded from this checkout', { timeout: TEST_TIMEOUT_MS }, () => {
  it('installs offline (file: links), runs with the printed command, and resumes with the printed resume command', async () => {
    const scratch = scratchDir({}, { inRepo: false });
    cleanups.push(scratch.remove);
    const created = await shell(`node ${BIN} init my-agent`, scratch.dir);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const project = path.join(scratch.dir, 'my-agent');

    const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(manifest.dependencies['@agentry/cli']).toBe(`file:${realpathSync(CLI_DIR)}`);
    expect(manifest.dependencies['@agentry/core']).toBe(`file:${path.join(REPO_DIR, 'packages/core')}`);
    expect(manifest.dependencies['@agentry/plugins']).toBe(`file:${path.join(REPO_DIR, 'packages/plugins')}`);
    for (const range of Object.values(manifest.dependencies)) expect(range).toMatch(/^file:\//);

    const steps = nextSteps(created.stdout);
    expect(steps[0]).toBe('cd my-agent');
    const [install, validate, run] = steps.slice(1);
    expect(install).toBe('npm install --no-audit --no-fund --offline');
    for (const step of [validate, run]) expect(step).toMatch(/^npx agentry /);

    const installed = await shell(install!, project);
    expect(installed.stderr).not.toContain('ERR');
    expect(installed.code).toBe(0);
    expect(existsSync(path.join(project, 'node_modules/.bin/agentry'))).toBe(true);

    const validated = await shell(validate!, project);
    expect(validated.code).toBe(0);

    // The documented invocation reaches Agentry's own help and version, not npm's.
    const help = await shell('npx agentry --help', project);
    expect(help.stdout).toMatch(/^Usage: agentry /);
    const runHelp = await shell('npx agentry help run', project);
    expect(runHelp.stdout).toMatch(/^Usage: agentry run /);
    const version = await shell('npx agentry --version', project);
    const cliManifest = JSON.parse(readFileSync(path.join(CLI_DIR, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.stdout.trim()).toBe(cliManifest.version);

    const suspended = await shell(`${run} --no-interactive`, project);
    expect(suspended.stderr).toMatch(/tool\s+word-count .* ok/);
    expect(suspended.code).toBe(3);
    const resume = suspended.stderr
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.startsWith('npx agentry resume ') && line.includes(' --approve '));
    expect(resume, suspended.stderr).toBeDefined();
    expect(existsSync(path.join(project, 'workspace/summary.md'))).toBe(false);

    const resumed = await shell(resume!, project);
    expect(resumed.stderr).toContain('completed');
    expect(resumed.code).toBe(0);
    expect(readFileSync(path.join(project, 'workspace/summary.md'), 'utf8')).toContain('# Summary');

    const script = await shell('npm run --silent agentry -- runs --json', project);
    expect(script.code).toBe(0);
    expect(JSON.parse(script.stdout)).toMatchObject([{ status: 'completed' }]);
  });
});
