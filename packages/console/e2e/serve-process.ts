/**
 * For the browser tests: a copy of examples/quickstart and `agentry serve` on it as a real process
 * (port 0, two tokens), plus the Chromium that Debian installs, driven by playwright-core.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const cli = path.join(repo, 'packages/cli/bin/agentry.js');
/** Screenshots of the last run (gitignored); docs/guides/console holds the published ones. */
export const ARTIFACTS = path.join(here, '..', 'e2e-artifacts');

export const ADMIN_TOKEN = 'admin-e2e-0123456789abcdef';
export const VIEWER_TOKEN = 'viewer-e2e-0123456789abcdef';
export const CHROMIUM = '/usr/bin/chromium';

/** A served copy of the quickstart. */
export interface Served {
  url: string;
  dir: string;
  config: string;
  /** Calls the API as admin. */
  api<T>(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** Runs `agentry run` on the copy, as another process; resolves with its exit code. */
  runCli(...args: string[]): { status: number | null; stdout: string; stderr: string };
  /** Starts `agentry <args>` on the copy as another process and returns at once; `stop()` ends it if it still runs. */
  spawnCli(args: readonly string[], config?: string): CliProcess;
  stop(): Promise<void>;
}

/** An `agentry` command running beside the server. */
export interface CliProcess {
  /** stdout and stderr so far, in arrival order. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects after `ms` or when the process exits first. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (a signal counts as null); rejects after `ms`. */
  exit(ms?: number): Promise<number | null>;
  /** Ends the process (SIGKILL) if it still runs, and waits for it. */
  kill(): Promise<void>;
}

function startCli(args: readonly string[], cwd: string): CliProcess {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const changed = new Set<() => void>();
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of changed) listener();
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);
  // 'close' comes after the output streams ended, so the output is complete by then.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      for (const listener of changed) listener();
      resolve(code);
    }),
  );
  const bounded = <T>(
    what: string,
    ms: number,
    work: (done: (value: T) => void, fail: (error: Error) => void) => () => void,
  ) =>
    new Promise<T>((resolve, reject) => {
      let cleanup: () => void = () => undefined;
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`agentry ${args.join(' ')}: ${what} within ${ms} ms; its output:\n${output}`));
      }, ms);
      cleanup = work(
        (value) => {
          clearTimeout(timer);
          cleanup();
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          cleanup();
          reject(error);
        },
      );
    });
  return {
    output: () => output,
    waitFor: (pattern, ms = 15_000) =>
      bounded<RegExpExecArray>(`printed nothing matching ${pattern}`, ms, (done, fail) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) done(match);
          else if (child.exitCode !== null || child.signalCode !== null)
            fail(
              new Error(
                `agentry ${args.join(' ')} exited before printing ${pattern}; its output:\n${output}`,
              ),
            );
        };
        changed.add(check);
        queueMicrotask(check);
        return () => changed.delete(check);
      }),
    exit: (ms = 15_000) =>
      bounded<number | null>('did not exit', ms, (done) => {
        void exited.then(done);
        return () => undefined;
      }),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export async function serveQuickstart(): Promise<Served> {
  // Inside the repository so the copy resolves @agentry/plugins (its sqlite store) like the original.
  const parent = path.join(here, '..', '.e2e-work');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'quickstart-'));
  for (const name of ['agentry.yaml', 'demo.script.yaml', 'workspace']) {
    cpSync(path.join(repo, 'examples/quickstart', name), path.join(dir, name), { recursive: true });
  }
  const config = path.join(dir, 'agentry.yaml');
  // Prices for the scripted model, so that runs and steps have a cost to show.
  const yaml = readFileSync(config, 'utf8').replace(
    'script: ./demo.script.yaml',
    'script: ./demo.script.yaml\n    pricing: { inputPerMillion: 3, outputPerMillion: 15 }',
  );
  if (!yaml.includes('pricing:')) throw new Error('the quickstart config changed: no model script line');
  writeFileSync(config, yaml);
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--port', '0', '--config', config], {
    cwd: dir,
    env: {
      ...process.env,
      NO_COLOR: '1',
      AGENTRY_SERVER_TOKENS: `admin:${ADMIN_TOKEN},viewer:${VIEWER_TOKEN}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agentry serve printed no URL:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Agentry console: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`agentry serve exited with ${code}:\n${output}`)));
  });
  const api = async <T>(method: string, route: string, body?: unknown, token = ADMIN_TOKEN) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const children: CliProcess[] = [];
  return {
    url,
    dir,
    config,
    api,
    runCli: (...args) => {
      const result = spawnSync(process.execPath, [cli, ...args, '--config', config], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1' },
        encoding: 'utf8',
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    spawnCli: (args, cliConfig = config) => {
      const started = startCli([...args, '--config', cliConfig], dir);
      children.push(started);
      return started;
    },
    stop: async () => {
      await Promise.all(children.map((started) => started.kill()));
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium with a fresh profile; the flags keep it off the (closed) network. */
export async function openBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const profile = mkdtempSync(path.join(tmpdir(), 'agentry-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 820 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, `${name}.png`);
}

/** Fails early with the fix when the CLI was not built. */
export function requireBuilt(): void {
  if (
    !existsSync(path.join(repo, 'packages/cli/dist/main.js')) ||
    !existsSync(path.join(here, '..', 'dist/index.html'))
  ) {
    const result = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
    if (result.status !== 0)
      throw new Error('npm run build failed; the browser tests need the CLI and the console built');
  }
}
