/**
 * Time-of-check/time-of-use: a racer swaps a directory inside the root for a symlink to a directory outside,
 * in a tight loop on another thread, while each file tool is called over and over through that directory.
 * Every answer and every file left behind is checked for a trace of the outside directory.
 * `AGENTRY_RACE_ATTEMPTS` raises the attempts per tool (default 3,000).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Tool } from '@agentry/core';
import { makeToolContext } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testDeps } from './__fixtures__/test-deps.js';
import { ListFilesTool } from './list-files-tool.js';
import { ReadFileTool } from './read-file-tool.js';
import { SearchFilesTool } from './search-files-tool.js';
import { WriteFileTool } from './write-file-tool.js';

const ATTEMPTS = Number(process.env.AGENTRY_RACE_ATTEMPTS ?? 3000);
/** Calls in flight at once (the file system work runs on libuv's thread pool). */
const LANES = 4;
const CANARY = 'OUTSIDE-CANARY-7f3a';
const OUTSIDE_ONLY = 'outside-only.txt';

/** Swaps `<root>/sub` (a real directory) with a symlink to `outside` and back, until told to stop. */
const RACER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { sub, parked, outside, flag } = workerData;
const stop = new Int32Array(flag);
let swaps = 0;
parentPort.postMessage('ready');
while (Atomics.load(stop, 0) === 0) {
  try {
    fs.renameSync(sub, parked);
    fs.symlinkSync(outside, sub);
    fs.unlinkSync(sub);
    fs.renameSync(parked, sub);
    swaps += 1;
  } catch {}
}
try { fs.unlinkSync(sub); } catch {}
try { fs.renameSync(parked, sub); } catch {}
parentPort.postMessage(swaps);
`;

let base: { path: string; remove: () => Promise<void> };
let root: string;
let outside: string;

beforeAll(async () => {
  base = await tempDir('file-race');
  root = path.join(base.path, 'workspace');
  outside = path.join(base.path, 'outside');
  await mkdir(path.join(root, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, 'sub', 'note.txt'), 'inside text\n');
  await writeFile(path.join(outside, 'note.txt'), `${CANARY}\n`);
  await writeFile(path.join(outside, OUTSIDE_ONLY), `${CANARY}\n`);
});
afterAll(() => base.remove());

async function create(definition: unknown, config: object): Promise<Tool> {
  const plugin = definition as {
    configSchema: { parse: (value: unknown) => unknown };
    create: (config: unknown, deps: unknown) => Promise<Tool> | Tool;
  };
  return plugin.create(plugin.configSchema.parse(config), testDeps(base.path));
}

/** Calls `attempt` ATTEMPTS times (LANES at a time) while the racer runs; returns how many answers showed the outside. */
async function race(
  attempt: (index: number) => Promise<boolean>,
): Promise<{ escapes: number; swaps: number }> {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(RACER, {
    eval: true,
    workerData: { sub: path.join(root, 'sub'), parked: path.join(root, 'sub.parked'), outside, flag },
  });
  const messages: unknown[] = [];
  const finished = new Promise<number>((resolve, reject) => {
    worker.on('message', (message) => {
      messages.push(message);
      if (typeof message === 'number') resolve(message);
    });
    worker.on('error', reject);
  });
  await new Promise((resolve) => worker.once('message', resolve));
  let escapes = 0;
  let next = 0;
  const lane = async () => {
    while (next < ATTEMPTS) {
      const index = next++;
      if (await attempt(index).catch(() => false)) escapes += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: LANES }, lane));
  } finally {
    Atomics.store(new Int32Array(flag), 0, 1);
  }
  const swaps = await finished;
  await worker.terminate();
  return { escapes, swaps };
}

const shows = (output: unknown) =>
  JSON.stringify(output).includes(CANARY) || JSON.stringify(output).includes(OUTSIDE_ONLY);

describe(`file tools under a symlink-swap race (${ATTEMPTS} attempts each)`, { timeout: 120_000 }, () => {
  it('read-file never returns the outside file', async () => {
    const tool = await create(ReadFileTool.plugin, { root: 'workspace' });
    const result = await race(async () =>
      shows(await tool.execute(tool.input.parse({ path: 'sub/note.txt' }), makeToolContext())),
    );
    expect(result.swaps).toBeGreaterThan(0);
    expect(result.escapes).toBe(0);
  });

  it('write-file never creates or leaves a file outside', async () => {
    const tool = await create(WriteFileTool.plugin, { root: 'workspace', createDirectories: false });
    const result = await race(async (index) => {
      await tool.execute(tool.input.parse({ path: `sub/out-${index}.txt`, content: 'x' }), makeToolContext());
      return false;
    });
    expect(result.swaps).toBeGreaterThan(0);
    const left = (await readdir(outside)).filter((name) => name !== 'note.txt' && name !== OUTSIDE_ONLY);
    expect({ escapes: left.length, sample: left.slice(0, 5) }).toEqual({ escapes: 0, sample: [] });
    const written = (await readdir(path.join(root, 'sub'))).filter((name) => name.startsWith('out-'));
    expect(written.length).toBeGreaterThan(0);
    await Promise.all(written.map((name) => rm(path.join(root, 'sub', name))));
  });

  it('list-files never lists the outside directory', async () => {
    const tool = await create(ListFilesTool.plugin, { root: 'workspace' });
    const result = await race(async (index) =>
      shows(
        await tool.execute(
          tool.input.parse(index % 2 === 0 ? { path: 'sub' } : { path: '.', recursive: true }),
          makeToolContext(),
        ),
      ),
    );
    expect(result.swaps).toBeGreaterThan(0);
    expect(result.escapes).toBe(0);
  });

  it('search-files never reads a file outside', async () => {
    const tool = await create(SearchFilesTool.plugin, { root: 'workspace' });
    const result = await race(async (index) =>
      shows(
        await tool.execute(
          tool.input.parse({ query: 'CANARY', path: ['sub', '.', 'sub/note.txt'][index % 3] }),
          makeToolContext(),
        ),
      ),
    );
    expect(result.swaps).toBeGreaterThan(0);
    expect(result.escapes).toBe(0);
  });
});
