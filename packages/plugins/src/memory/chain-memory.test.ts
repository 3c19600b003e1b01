import { type Memory, MemoryStore, ScriptedModel } from '@agentry/core';
import { PluginLoader } from '@agentry/core/internal';
import { describeMemoryConformance, sampleConversation } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { BufferMemory } from './buffer-memory.js';
import { ChainMemory } from './chain-memory.js';
import { PersistentMemory } from './persistent-memory.js';
import { injectInput, writebackInput } from './test-support.js';
import { WindowMemory } from './window-memory.js';

describeMemoryConformance({
  name: 'ChainMemory',
  create: () => new ChainMemory({ memories: [new PersistentMemory(), new WindowMemory({ maxMessages: 4 })] }),
});

const model = new ScriptedModel({ script: ['unused'] });

function failing(onError: 'continue' | 'fail', calls: string[]): Memory {
  return {
    kind: 'memory',
    specVersion: 1,
    name: `failing-${onError}`,
    onError,
    inject: async () => {
      calls.push(`inject failing-${onError}`);
      throw new Error('memory backend down');
    },
    writeback: async () => {
      calls.push(`writeback failing-${onError}`);
      throw new Error('memory backend down');
    },
  };
}

function recording(name: string, calls: string[]): Memory {
  return {
    kind: 'memory',
    specVersion: 1,
    name,
    inject: async () => {
      calls.push(`inject ${name}`);
      return { messages: [{ role: 'system', content: `from ${name}` }] };
    },
    writeback: async () => void calls.push(`writeback ${name}`),
  };
}

describe('ChainMemory', () => {
  it('injects in order and writes back in reverse', async () => {
    const calls: string[] = [];
    const chain = new ChainMemory({ memories: [recording('first', calls), recording('second', calls)] });
    const store = new MemoryStore();
    const injected = await chain.inject(injectInput(store, model, []));
    await chain.writeback(writebackInput(store, model, []));
    expect(injected.messages.map((message) => message.content)).toEqual(['from first', 'from second']);
    expect(calls).toEqual(['inject first', 'inject second', 'writeback second', 'writeback first']);
  });

  it('skips a member that fails with onError continue, and fails with a member whose onError is fail', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (message: string) => void warnings.push(message),
    };
    const tolerant = new ChainMemory({
      memories: [failing('continue', calls), recording('ok', calls)],
      logger,
    });
    const store = new MemoryStore();
    const injected = await tolerant.inject(injectInput(store, model, []));
    expect(injected.messages).toEqual([{ role: 'system', content: 'from ok' }]);
    expect(warnings[0]).toContain('Memory "failing-continue" in a chain failed during inject');
    const strict = new ChainMemory({
      memories: [recording('ok', calls), failing('fail', calls)],
      onError: 'fail',
    });
    await expect(strict.inject(injectInput(store, model, []))).rejects.toThrow('memory backend down');
    await expect(strict.writeback(writebackInput(store, model, []))).rejects.toThrow('memory backend down');
  });

  it('loads its members through the plugin loader from config', async () => {
    const loader = new PluginLoader({ baseDir: process.cwd() });
    const chain = (await loader.load(
      'memory',
      { type: 'chain', config: { memories: ['buffer', { type: 'window', config: { maxMessages: 2 } }] } },
      ['agents', 'assistant', 'memory'],
    )) as ChainMemory;
    expect(chain.memories.map((memory) => memory.name)).toEqual(['buffer', 'window']);
    const history = sampleConversation(2);
    const injected = await chain.inject(injectInput(new MemoryStore(), model, history));
    expect(injected.messages).toEqual([...history, ...history.slice(-2)]);
    expect(new BufferMemory().name).toBe('buffer');
  });

  it('rejects an empty chain', () => {
    expect(ChainMemory.plugin.configSchema.safeParse({ memories: [] }).success).toBe(false);
  });
});
