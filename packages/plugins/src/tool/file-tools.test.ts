import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tool } from '@agentry/core';
import { describeToolConformance, makeToolContext } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, tempDir, testDeps } from './__fixtures__/test-deps.js';
import { ListFilesTool } from './list-files-tool.js';
import { ReadFileTool } from './read-file-tool.js';
import { SearchFilesTool } from './search-files-tool.js';
import { WriteFileTool } from './write-file-tool.js';

let base: { path: string; remove: () => Promise<void> };
let root: string;

beforeAll(async () => {
  base = await tempDir('file-tools');
  root = path.join(base.path, 'workspace');
  await mkdir(path.join(root, 'docs', 'deep'), { recursive: true });
  await writeFile(path.join(root, 'hello.txt'), 'hello world\nsecond line\n');
  await writeFile(path.join(root, 'docs', 'guide.md'), '# Guide\nUse the TODO list.\ntodo: more\n');
  await writeFile(path.join(root, 'docs', 'deep', 'notes.txt'), 'nothing here\n');
  await writeFile(path.join(root, 'big.txt'), 'x'.repeat(5000));
  await writeFile(path.join(base.path, 'outside.txt'), 'outside TODO secret\n');
  await symlink(path.join(base.path, 'outside.txt'), path.join(root, 'link-out.txt'));
  await symlink(path.join(root, 'hello.txt'), path.join(root, 'link-in.txt'));
});
afterAll(() => base.remove());

async function create<T>(
  definition: { create: (config: never, deps: never) => unknown },
  config: object,
): Promise<T> {
  const plugin = definition as unknown as {
    configSchema: { parse: (value: unknown) => unknown };
    create: (config: unknown, deps: unknown) => Promise<T> | T;
  };
  return plugin.create(plugin.configSchema.parse(config), testDeps(base.path));
}

const context = () => makeToolContext();
async function call(tool: Tool, input: unknown) {
  return tool.execute(tool.input.parse(input), context());
}

describeToolConformance({
  name: 'read-file',
  create: () => create<Tool>(ReadFileTool.plugin, { root: 'workspace' }),
  validInput: { path: 'hello.txt' },
  invalidInput: { path: 42 },
  checkOutput: (output) => expect(output).toMatchObject({ content: 'hello world\nsecond line\n' }),
});
describeToolConformance({
  name: 'write-file',
  create: () => create<Tool>(WriteFileTool.plugin, { root: 'workspace' }),
  validInput: { path: 'out/conformance.txt', content: 'ok' },
  invalidInput: { path: 'x.txt' },
});
describeToolConformance({
  name: 'list-files',
  create: () => create<Tool>(ListFilesTool.plugin, { root: 'workspace' }),
  validInput: {},
  invalidInput: { recursive: 'yes' },
});
describeToolConformance({
  name: 'search-files',
  create: () => create<Tool>(SearchFilesTool.plugin, { root: 'workspace' }),
  validInput: { query: 'todo' },
  invalidInput: { query: '' },
});

describe('read-file', () => {
  it('reads inside the root, follows symlinks that stay inside, and cuts long files at maxBytes', async () => {
    const tool = await create<Tool>(ReadFileTool.plugin, { root: 'workspace', maxBytes: 1000 });
    expect(await call(tool, { path: 'link-in.txt' })).toMatchObject({
      path: 'hello.txt',
      content: 'hello world\nsecond line\n',
    });
    const big = (await call(tool, { path: 'big.txt' })) as {
      content: string;
      truncated: boolean;
      size: number;
    };
    expect(big.content).toHaveLength(1000);
    expect(big).toMatchObject({ truncated: true, size: 5000 });
    const rest = (await call(tool, { path: 'big.txt', offset: 4500 })) as {
      content: string;
      truncated: boolean;
    };
    expect(rest.content).toHaveLength(500);
    expect(rest.truncated).toBe(false);
  });

  it('refuses symlinks out of the root, "..", absolute paths outside, and says so in the message', async () => {
    const tool = await create<Tool>(ReadFileTool.plugin, { root: 'workspace' });
    await expect(call(tool, { path: 'link-out.txt' })).rejects.toMatchObject({
      code: 'tool.policy_denied',
      message: expect.stringContaining('symlink'),
    });
    expect(await errorCode(call(tool, { path: '../outside.txt' }))).toBe('tool.policy_denied');
    expect(await errorCode(call(tool, { path: path.join(base.path, 'outside.txt') }))).toBe(
      'tool.policy_denied',
    );
    expect(await errorCode(call(tool, { path: path.join(root, 'hello.txt') }))).toBe('resolved');
  });

  it('reports a missing file and a directory as tool.failed with a hint', async () => {
    const tool = await create<Tool>(ReadFileTool.plugin, { root: 'workspace' });
    await expect(call(tool, { path: 'nope.txt' })).rejects.toMatchObject({
      code: 'tool.failed',
      hint: expect.any(String),
    });
    expect(await errorCode(call(tool, { path: 'docs' }))).toBe('tool.failed');
  });

  it('fails to create when the root does not exist', async () => {
    await expect(create(ReadFileTool.plugin, { root: 'missing-dir' })).rejects.toMatchObject({
      code: 'config.invalid',
    });
  });
});

describe('write-file', () => {
  it('creates parents, replaces content atomically and idempotently, and leaves no temp files', async () => {
    const tool = await create<Tool>(WriteFileTool.plugin, { root: 'workspace' });
    expect(tool.sideEffects).toBe('idempotent');
    expect(await call(tool, { path: 'new/dir/file.txt', content: 'one' })).toMatchObject({
      created: true,
      bytes: 3,
    });
    expect(await call(tool, { path: 'new/dir/file.txt', content: 'two' })).toMatchObject({ created: false });
    expect(await call(tool, { path: 'new/dir/file.txt', content: 'two' })).toMatchObject({ created: false });
    expect(await readFile(path.join(root, 'new/dir/file.txt'), 'utf8')).toBe('two');
    expect(await readdir(path.join(root, 'new/dir'))).toEqual(['file.txt']);
  });

  it('refuses content over maxBytes and writes nothing', async () => {
    const tool = await create<Tool>(WriteFileTool.plugin, { root: 'workspace', maxBytes: 10 });
    expect(await errorCode(call(tool, { path: 'too-big.txt', content: 'x'.repeat(11) }))).toBe(
      'tool.policy_denied',
    );
    await expect(stat(path.join(root, 'too-big.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writing to a symlink inside the root that points outside is refused; outside stays unchanged', async () => {
    const tool = await create<Tool>(WriteFileTool.plugin, { root: 'workspace' });
    expect(await errorCode(call(tool, { path: 'link-out.txt', content: 'pwned' }))).toBe(
      'tool.policy_denied',
    );
    expect(await readFile(path.join(base.path, 'outside.txt'), 'utf8')).toBe('outside TODO secret\n');
  });

  it('refuses to replace a directory or the root', async () => {
    const tool = await create<Tool>(WriteFileTool.plugin, { root: 'workspace' });
    expect(await errorCode(call(tool, { path: 'docs', content: 'x' }))).toBe('tool.failed');
    expect(await errorCode(call(tool, { path: '.', content: 'x' }))).toBe('tool.policy_denied');
  });

  it('honours approval: always from config', async () => {
    const tool = await create<Tool>(WriteFileTool.plugin, { root: 'workspace', approval: 'always' });
    expect(tool.approval).toBe('always');
  });
});

describe('list-files', () => {
  it('lists sorted entries, recursively on request, showing symlinks without following them', async () => {
    const tool = await create<Tool>(ListFilesTool.plugin, { root: 'workspace' });
    const flat = (await call(tool, {})) as { entries: { path: string; type: string }[] };
    expect(flat.entries.map((entry) => entry.path)).toEqual(
      expect.arrayContaining(['docs', 'hello.txt', 'link-out.txt']),
    );
    expect(flat.entries.find((entry) => entry.path === 'link-out.txt')?.type).toBe('symlink');
    const deep = (await call(tool, { path: 'docs', recursive: true })) as { entries: { path: string }[] };
    expect(deep.entries.map((entry) => entry.path)).toEqual([
      'docs/deep',
      'docs/deep/notes.txt',
      'docs/guide.md',
    ]);
  });

  it('cuts at maxEntries and marks the listing truncated', async () => {
    const tool = await create<Tool>(ListFilesTool.plugin, { root: 'workspace', maxEntries: 2 });
    expect(await call(tool, { recursive: true })).toMatchObject({ truncated: true, entries: [{}, {}] });
  });
});

describe('search-files', () => {
  it('finds substrings case-insensitively by default, and never reads through a symlink out of the root', async () => {
    const tool = await create<Tool>(SearchFilesTool.plugin, { root: 'workspace' });
    const result = (await call(tool, { query: 'todo' })) as { matches: { path: string; line: number }[] };
    expect(result.matches).toEqual([
      { path: 'docs/guide.md', line: 2, text: 'Use the TODO list.' },
      { path: 'docs/guide.md', line: 3, text: 'todo: more' },
    ]);
  });

  it('supports regular expressions, case-sensitivity and result caps', async () => {
    const tool = await create<Tool>(SearchFilesTool.plugin, { root: 'workspace', maxResults: 1 });
    const exact = (await call(tool, { query: 'TODO', caseSensitive: true })) as { matches: unknown[] };
    expect(exact.matches).toHaveLength(1);
    const regex = (await call(tool, { query: '^(hello|nothing)', regex: true })) as {
      matches: unknown[];
      truncated: boolean;
    };
    expect(regex).toMatchObject({ truncated: true });
    expect(await errorCode(call(tool, { query: '(', regex: true }))).toBe('tool.input_invalid');
  });
});
