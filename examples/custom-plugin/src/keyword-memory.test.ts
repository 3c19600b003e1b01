/** The custom memory passes the memory conformance suite and recalls what a session said before. */
import { MemoryStore, ScriptedModel } from '@agentry/core';
import { describeMemoryConformance } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { KeywordMemory, keywordMemory } from './keyword-memory.js';

describeMemoryConformance({
  name: 'keyword (example)',
  create: () => new KeywordMemory({ limit: 2 }),
});

describe('KeywordMemory', () => {
  // The keyword memory never calls its model; the contract still hands it one.
  const model = new ScriptedModel({ script: ['unused'] });

  it('recalls the earlier message that shares words with the new input, and only from its own session', async () => {
    const store = new MemoryStore();
    const base = { agentId: 'notes', store, signal: new AbortController().signal };
    const memory = new KeywordMemory();
    await memory.writeback({
      ...base,
      model,
      sessionId: 'alice',
      runId: 'run_1',
      messages: [
        { role: 'user', content: 'My favourite colour is teal.' },
        { role: 'assistant', content: 'Noted: teal.' },
        { role: 'user', content: 'The meeting moved to Thursday.' },
      ],
    });
    const alice = await memory.inject({
      ...base,
      model,
      sessionId: 'alice',
      runId: 'run_2',
      input: 'Which colour did I say was my favourite?',
      history: [],
    });
    expect(alice.messages).toEqual([
      { role: 'system', content: 'Earlier in this conversation:\n- user: My favourite colour is teal.' },
    ]);
    const bob = await memory.inject({
      ...base,
      model,
      sessionId: 'bob',
      runId: 'run_3',
      input: 'Which colour is my favourite?',
      history: [],
    });
    expect(bob.messages).toEqual([]);
    await store.close();
  });

  it('rejects a bad config with a zod error when the loader validates it', () => {
    expect(keywordMemory.configSchema.safeParse({ limit: 0 }).success).toBe(false);
    expect(keywordMemory.configSchema.safeParse({ limt: 2 }).success).toBe(false);
    expect(keywordMemory.configSchema.parse({})).toEqual({
      limit: 3,
      minWordLength: 4,
      maxNotes: 100,
      namespace: 'example.keyword-memory',
    });
  });
});
