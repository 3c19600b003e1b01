import { MemoryStore, type Message, ScriptedModel } from '@agentry/core';
import { describeMemoryConformance } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { PersistentMemory } from './persistent-memory.js';
import { injectInput, writebackInput } from './test-support.js';

describeMemoryConformance({ name: 'PersistentMemory', create: () => new PersistentMemory() });

const model = new ScriptedModel({ script: ['unused'] });
const run = (user: string, answer: string): Message[] => [
  { role: 'user', content: user },
  { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'lookup', input: {} }] },
  { role: 'tool', toolCallId: 'c', toolName: 'lookup', content: 'noise' },
  { role: 'assistant', content: answer },
];

describe('PersistentMemory', () => {
  it('recalls facts of earlier runs, keyword matches first, then the most recent', async () => {
    const store = new MemoryStore();
    let now = 1000;
    const memory = new PersistentMemory({ limit: 2, roles: ['user'] }, { clock: { now: () => now++ } });
    await memory.writeback(
      writebackInput(store, model, run('My cat is called Miso.', 'Nice.'), { runId: 'r1' }),
    );
    await memory.writeback(
      writebackInput(store, model, run('I live in Lisbon.', 'Lovely.'), { runId: 'r2' }),
    );
    await memory.writeback(
      writebackInput(store, model, run('I prefer tea over coffee.', 'Noted.'), { runId: 'r3' }),
    );
    const injected = await memory.inject(
      injectInput(store, model, [], { input: "What is my cat's name? The cat!" }),
    );
    expect(injected.messages).toEqual([
      {
        role: 'system',
        content:
          'Remembered from earlier conversations (most relevant first):\n- (user) My cat is called Miso.\n- (user) I prefer tea over coffee.',
      },
    ]);
    const found = await memory.retrieve({
      sessionId: 'session_1',
      agentId: 'agent_1',
      query: 'Lisbon',
      store,
    });
    expect(found[0]).toEqual({ role: 'user', content: 'I live in Lisbon.' });
  });

  it('stores final answers but not tool calls or tool results, and keeps the newest maxFacts', async () => {
    const store = new MemoryStore();
    const memory = new PersistentMemory({ maxFacts: 3 });
    await memory.writeback(writebackInput(store, model, run('one', 'answer one')));
    await memory.writeback(writebackInput(store, model, run('two', 'answer two')));
    const stored = (await store.get('agentry.memory.persistent', 'session:session_1')) as {
      facts: { text: string }[];
    };
    expect(stored.facts.map((fact) => fact.text)).toEqual(['answer one', 'two', 'answer two']);
  });

  it('shares facts across sessions with scope agent, and not with scope session', async () => {
    const store = new MemoryStore();
    const shared = new PersistentMemory({ scope: 'agent' });
    await shared.writeback(writebackInput(store, model, run('The launch code word is heron.', 'Ok.')));
    const other = await shared.inject(
      injectInput(store, model, [], { sessionId: 'session_2', input: 'code word?' }),
    );
    expect(JSON.stringify(other.messages)).toContain('heron');
    const perSession = new PersistentMemory();
    const none = await perSession.inject(
      injectInput(store, model, [], { sessionId: 'session_2', input: 'heron?' }),
    );
    expect(none.messages).toEqual([]);
  });
});
