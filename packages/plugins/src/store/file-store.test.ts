import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeStoreConformance } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentry-file-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
const nextId = () => {
  counter += 1;
  return counter;
};
const freshPath = () => join(root, `case-${nextId()}`, 'store.json');

describeStoreConformance({
  name: 'file',
  create: () => new FileStore({ path: freshPath() }),
  unreachable: async () => {
    const blocker = join(root, `not-a-directory-${nextId()}`);
    await writeFile(blocker, 'a file where the store directory should be');
    return new FileStore({ path: join(blocker, 'store.json') });
  },
});

describe('FileStore', () => {
  it('has the acknowledged write on disk and reads it back after reopening', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    await store.set('runs', 'r1', { step: 3 });
    expect(await readFile(path, 'utf8')).toContain('step');
    await Promise.all(Array.from({ length: 20 }, (_, index) => store.set('runs', `k${index}`, index)));
    await store.close();
    const reopened = new FileStore({ path });
    expect(await reopened.get('runs', 'r1')).toEqual({ step: 3 });
    expect(await reopened.getMany('runs', ['k0', 'k19'])).toEqual([0, 19]);
    await reopened.close();
  });

  it('refuses a file that is not a store file and leaves it untouched', async () => {
    const path = freshPath().replace('store.json', 'notes.txt');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'my notes, not JSON');
    const store = new FileStore({ path });
    await expect(store.get('ns', 'k')).rejects.toMatchObject({ code: 'store.unavailable', retryable: false });
    expect(await readFile(path, 'utf8')).toBe('my notes, not JSON');
    await store.close();
  });

  it('requires a path in its config', () => {
    expect(FileStore.plugin.configSchema.safeParse({}).success).toBe(false);
  });
});
