import { MemoryStore, type Message, ScriptedModel } from '@agentry/core';
import { describeMemoryConformance, sampleConversation, transcriptProblems } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { BufferMemory } from './buffer-memory.js';
import { injectInput } from './test-support.js';
import { WindowMemory } from './window-memory.js';

describeMemoryConformance({ name: 'BufferMemory', create: () => new BufferMemory() });
describeMemoryConformance({
  name: 'WindowMemory (messages)',
  create: () => new WindowMemory({ maxMessages: 5 }),
});
describeMemoryConformance({ name: 'WindowMemory (turns)', create: () => new WindowMemory({ maxTurns: 2 }) });

const store = new MemoryStore();
const model = new ScriptedModel({ script: ['unused'] });

describe('BufferMemory', () => {
  it('injects the whole history, as a copy', async () => {
    const history = sampleConversation(4);
    const injected = await new BufferMemory().inject(injectInput(store, model, history));
    expect(injected.messages).toEqual(history);
    expect(injected.messages).not.toBe(history);
  });

  it('takes the onError policy from config', () => {
    expect(new BufferMemory().onError).toBe('continue');
    expect(new BufferMemory({ onError: 'fail' }).onError).toBe('fail');
    expect(() => new BufferMemory({ onError: 'ignore' as never })).toThrow();
  });
});

describe('WindowMemory', () => {
  it('keeps the last N messages, starting the window at a user message', async () => {
    const history: Message[] = [
      { role: 'user', content: 'u1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'u2' },
      { role: 'assistant', content: 'a2' },
    ];
    const memory = new WindowMemory({ maxMessages: 3 });
    expect((await memory.inject(injectInput(store, model, history))).messages).toEqual(history.slice(2));
    const all = new WindowMemory({ maxMessages: 4 });
    expect((await all.inject(injectInput(store, model, history))).messages).toEqual(history);
  });

  it('never separates a tool call from its results', async () => {
    const history = sampleConversation(3, 'w'); // turn 2 has a tool call and result
    for (let size = 1; size <= history.length; size++) {
      const injected = await new WindowMemory({ maxMessages: size }).inject(
        injectInput(store, model, history),
      );
      expect(transcriptProblems(injected.messages)).toEqual([]);
      expect(injected.messages.length).toBeLessThanOrEqual(size);
    }
  });

  it('keeps the last N turns', async () => {
    const history = sampleConversation(5, 't');
    const injected = await new WindowMemory({ maxTurns: 2 }).inject(injectInput(store, model, history));
    expect(
      injected.messages.filter((message) => message.role === 'user').map((message) => message.content),
    ).toEqual(['t question 3: what is 3 plus 3?', 't question 4: what is 4 plus 4?']);
  });

  it('refuses maxMessages and maxTurns together', () => {
    const result = WindowMemory.plugin.configSchema.safeParse({ maxMessages: 3, maxTurns: 2 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('set either maxMessages or maxTurns, not both');
  });
});
