import { execFile } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../defaults/memory-store.js';
import { scriptedRuntime } from '../__fixtures__/runtime-fixture.js';
import { StoreCheckpointer } from '../durability/checkpointer.js';
import { RunAbort } from './run-abort.js';

const child = fileURLToPath(new URL('../__fixtures__/timeout-child.mjs', import.meta.url));

function runChild(maxDurationMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [child, String(maxDurationMs)],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

describe('maxDurationMs', () => {
  it('ends a run with timeout even when nothing else keeps the process alive', async () => {
    const { code, stdout, stderr } = await runChild(200);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      status: 'failed',
      stopReason: 'timeout',
      code: 'run.timeout',
    });
  }, 60_000);

  it('rejects raced work at once when the run is cancelled, and stays aborted', async () => {
    const abort = new RunAbort(60_000);
    const pending = abort.race(new Promise<never>(() => {}));
    abort.cancel('stop');
    await expect(pending).rejects.toMatchObject({ stopReason: 'cancelled' });
    await expect(abort.race(Promise.resolve(1))).rejects.toMatchObject({ stopReason: 'cancelled' });
    abort.dispose();
  });

  it('leaves no listener on a long-lived caller signal once its runs have ended (durable ones too)', async () => {
    const store = new MemoryStore();
    const { runtime } = scriptedRuntime(
      ['one', 'two', 'three'],
      {},
      {
        store,
        durablePersistence: new StoreCheckpointer({ store, runtimeVersion: 'test' }),
      },
    );
    const shutdown = new AbortController();
    for (const durable of [false, true, true]) {
      const result = await runtime.run({ agent: 'assistant', input: 'go', durable, signal: shutdown.signal });
      expect(result.status).toBe('completed');
    }
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    await runtime.close();
  });
});
