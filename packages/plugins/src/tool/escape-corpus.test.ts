/** Runs the escape corpus (escape-corpus.json) against every confined tool and the policy executor. */
import { readFileSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tool, ToolOutcome } from '@agentry/core';
import { defineTool } from '@agentry/core';
import { makeToolContext } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PolicyToolExecutor } from '../tool-executor/policy-tool-executor.js';
import { runTool, tempDir, testDeps } from './__fixtures__/test-deps.js';
import { HttpTool } from './http-tool.js';
import { ListFilesTool } from './list-files-tool.js';
import { ReadFileTool } from './read-file-tool.js';
import { SearchFilesTool } from './search-files-tool.js';
import { ShellTool } from './shell-tool.js';
import { WriteFileTool } from './write-file-tool.js';

interface Corpus {
  paths: { id: string; path: string }[];
  urls: { id: string; url: string; via: 'direct' | 'redirect' }[];
}
const corpus = JSON.parse(
  readFileSync(fileURLToPath(new URL('./escape-corpus.json', import.meta.url)), 'utf8'),
) as Corpus;

let base: { path: string; remove: () => Promise<void> };
let root: string;
let trap: http.Server;
let allowed: http.Server;
const trapHits: string[] = [];
const EXTERNAL_SENTINELS = ['/etc/SENTINEL', '/tmp/SENTINEL'];

/** Every file outside the root, with content and mtime. */
async function snapshot(directory: string, found = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (full === root) continue;
    if (entry.isDirectory()) await snapshot(full, found);
    else if (entry.isFile()) found.set(full, `${(await stat(full)).mtimeMs}:${await readFile(full, 'utf8')}`);
    else found.set(full, `link:${(await lstat(full)).mtimeMs}`);
  }
  return found;
}

function listen(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve) =>
    server.listen({ port: 0, host, ipv6Only: false }, () => resolve((server.address() as AddressInfo).port)),
  );
}

let before: Map<string, string>;
let ports: { trap: number; allowed: number };

beforeAll(async () => {
  base = await tempDir('escape');
  root = path.join(base.path, 'root');
  await mkdir(path.join(root, 'sub'), { recursive: true });
  await mkdir(path.join(base.path, 'outside'));
  await mkdir(path.join(base.path, 'root-evil'));
  await writeFile(path.join(root, 'file.txt'), 'inside');
  await writeFile(path.join(base.path, 'canary.txt'), 'CANARY base');
  await writeFile(path.join(base.path, 'outside', 'canary.txt'), 'CANARY outside');
  await writeFile(path.join(base.path, 'root-evil', 'canary.txt'), 'CANARY sibling');
  await symlink('../outside', path.join(root, 'link-out-dir'));
  await symlink(path.join(base.path, 'outside', 'canary.txt'), path.join(root, 'link-out-file'));
  await symlink('/etc', path.join(root, 'link-abs'));
  await symlink('../..', path.join(root, 'sub', 'link-up'));
  await symlink('../root-evil', path.join(root, 'link-sibling'));
  await symlink('../outside/SENTINEL', path.join(root, 'dangling'));
  await symlink('loop-b', path.join(root, 'loop-a'));
  await symlink('loop-a', path.join(root, 'loop-b'));
  trap = http.createServer((request, response) => {
    trapHits.push(`${request.headers.host} ${request.url}`);
    response.end('TRAPPED');
  });
  allowed = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const target = url.searchParams.get('to');
    if (url.pathname === '/redirect' && target) response.writeHead(302, { location: target }).end();
    else response.end('ALLOWED');
  });
  ports = { trap: await listen(trap, '::'), allowed: await listen(allowed, '127.0.0.1') };
  before = await snapshot(base.path);
});

afterAll(async () => {
  trap.close();
  allowed.close();
  await base.remove();
});

const fill = (text: string) =>
  text
    .replaceAll('{root}', root)
    .replaceAll('{base}', base.path)
    .replaceAll('{trap}', String(ports.trap))
    .replaceAll('{allowed}', String(ports.allowed));

async function make(definition: unknown, config: object): Promise<Tool> {
  const plugin = definition as {
    configSchema: z.ZodType;
    create: (config: unknown, deps: unknown) => Promise<Tool>;
  };
  return plugin.create(plugin.configSchema.parse(config), testDeps(base.path));
}

/** A tool with no confinement of its own: only the policy stands between it and the file system. */
const naiveFiles = defineTool({
  name: 'naive_files',
  description: 'Reads and overwrites any path',
  input: z.object({ path: z.string() }),
  sideEffects: 'unsafe',
  execute: async ({ path: target }) => {
    const full = path.resolve(root, target);
    const content = await readFile(full, 'utf8').catch(() => '');
    await writeFile(full, 'PWNED');
    return content;
  },
});
const naiveFetch = defineTool({
  name: 'naive_fetch',
  description: 'Fetches any URL',
  input: z.object({ url: z.string() }),
  sideEffects: 'none',
  execute: ({ url }) =>
    new Promise<string>((resolve, reject) => {
      http.get(url, (response) => response.resume().on('end', () => resolve('fetched'))).on('error', reject);
    }),
});

async function attempt(tool: Tool, input: unknown, policy?: PolicyToolExecutor): Promise<ToolOutcome> {
  const parsed = tool.input.safeParse(input);
  if (!parsed.success)
    return { ok: false, error: { code: 'tool.input_invalid', message: 'schema', retryable: false } };
  const execution = { tool, input: parsed.data, context: makeToolContext() };
  return policy ? policy.execute(execution, runTool) : runTool(execution);
}

describe('escape corpus', () => {
  it('has at least 100 distinct escape attempts', () => {
    expect(corpus.paths.length + corpus.urls.length).toBeGreaterThanOrEqual(100);
    const ids = [...corpus.paths, ...corpus.urls].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('file tools, shell cwd and the policy executor refuse every path attempt with tool.policy_denied', async () => {
    const tools = {
      read: await make(ReadFileTool.plugin, { root: 'root' }),
      write: await make(WriteFileTool.plugin, { root: 'root' }),
      list: await make(ListFilesTool.plugin, { root: 'root' }),
      search: await make(SearchFilesTool.plugin, { root: 'root' }),
      shell: await make(ShellTool.plugin, { root: 'root', allowCommands: ['touch'] }),
    };
    const policy = new PolicyToolExecutor({ roots: [root] });
    const failures: string[] = [];
    for (const entry of corpus.paths) {
      const target = fill(entry.path);
      const outcomes: [string, ToolOutcome][] = [
        ['read-file', await attempt(tools.read, { path: target })],
        ['write-file', await attempt(tools.write, { path: target, content: 'PWNED' })],
        ['list-files', await attempt(tools.list, { path: target, recursive: true })],
        ['search-files', await attempt(tools.search, { path: target, query: 'CANARY' })],
        ['shell', await attempt(tools.shell, { command: 'touch', args: ['SENTINEL'], cwd: target })],
        ['policy', await attempt(naiveFiles, { path: target }, policy)],
      ];
      for (const [name, outcome] of outcomes) {
        if (outcome.ok || outcome.error.code !== 'tool.policy_denied') {
          failures.push(`${entry.id} via ${name}: ${JSON.stringify(outcome).slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('the http tool and the policy executor refuse every URL attempt, direct or by redirect', async () => {
    const open = await make(HttpTool.plugin, { allowHosts: ['*'], timeoutMs: 5000 });
    const local = await make(HttpTool.plugin, {
      allowHosts: [`127.0.0.1:${ports.allowed}`],
      allowPrivate: ['127.0.0.1'],
      timeoutMs: 5000,
    });
    const policy = new PolicyToolExecutor({ network: { allowHosts: ['*'] } });
    const failures: string[] = [];
    for (const entry of corpus.urls) {
      const target = fill(entry.url);
      const outcomes: [string, ToolOutcome][] =
        entry.via === 'direct'
          ? [
              ['http (any public host)', await attempt(open, { url: target })],
              ['http (one local host)', await attempt(local, { url: target })],
              ['policy', await attempt(naiveFetch, { url: target }, policy)],
            ]
          : [
              [
                'http redirect',
                await attempt(local, {
                  url: `http://127.0.0.1:${ports.allowed}/redirect?to=${encodeURIComponent(target)}`,
                }),
              ],
            ];
      for (const [name, outcome] of outcomes) {
        if (outcome.ok || outcome.error.code !== 'tool.policy_denied') {
          failures.push(`${entry.id} (${target}) via ${name}: ${JSON.stringify(outcome).slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(trapHits).toEqual([]);
  });

  it('the one allowed local host does work (so the refusals above are not a broken tool)', async () => {
    const local = await make(HttpTool.plugin, {
      allowHosts: [`127.0.0.1:${ports.allowed}`],
      allowPrivate: ['127.0.0.1'],
    });
    const outcome = await attempt(local, {
      url: `http://127.0.0.1:${ports.allowed}/redirect?to=${encodeURIComponent('/final')}`,
    });
    expect(outcome).toMatchObject({
      ok: true,
      output: { status: 200, body: 'ALLOWED', redirects: [expect.any(String)] },
    });
    const read = await make(ReadFileTool.plugin, { root: 'root' });
    expect(await attempt(read, { path: 'file.txt' })).toMatchObject({
      ok: true,
      output: { content: 'inside' },
    });
  });

  it('left every canary outside the root unchanged and created no sentinel', async () => {
    // Runs last (vitest keeps declaration order in a file).
    expect(await snapshot(base.path)).toEqual(before);
    for (const sentinel of EXTERNAL_SENTINELS)
      await expect(lstat(sentinel)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(lstat(path.join(root, 'SENTINEL'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
