import { MemoryStore, type Message, type Model, type ModelRegistry, ScriptedModel } from '@agentry/core';
import { describeMemoryConformance, sampleConversation, transcriptProblems } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { SummaryMemory } from './summary-memory.js';
import { injectInput } from './test-support.js';

describeMemoryConformance({ name: 'SummaryMemory', create: () => new SummaryMemory() });
describeMemoryConformance({
  name: 'SummaryMemory (low threshold: always summarising)',
  create: () => new SummaryMemory({ maxTokens: 50, keepRecentTurns: 1 }),
});

function registry(models: Record<string, Model>): ModelRegistry {
  return {
    get: (name) => {
      const model = models[name];
      if (!model) throw new Error(`no model ${name}`);
      return model;
    },
    names: () => Object.keys(models),
  };
}

describe('SummaryMemory', () => {
  it('passes a short history through unchanged, without calling the model', async () => {
    const model = new ScriptedModel({ script: ['should not be used'], record: true });
    const history = sampleConversation(2);
    const injected = await new SummaryMemory().inject(injectInput(new MemoryStore(), model, history));
    expect(injected.messages).toEqual(history);
    expect(model.calls).toEqual([]);
  });

  it('replaces older turns by a stored summary, keeps recent turns, and only summarises what is new', async () => {
    const store = new MemoryStore();
    const model = new ScriptedModel({ script: ['Ada asked sums 0 to 7.'], record: true });
    const memory = new SummaryMemory({ maxTokens: 100, keepRecentTurns: 2 });
    const history = sampleConversation(10, 'h');
    const injected = await memory.inject(injectInput(store, model, history));
    expect(injected.messages[0]).toEqual({
      role: 'system',
      content: 'Summary of the earlier conversation:\nAda asked sums 0 to 7.',
    });
    const recentStart = history.findIndex((message) => message.content === 'h question 8: what is 8 plus 8?');
    expect(injected.messages.slice(1)).toEqual(history.slice(recentStart));
    expect(transcriptProblems(injected.messages)).toEqual([]);
    expect(await store.get('agentry.memory.summary', 'session_1')).toMatchObject({
      summary: 'Ada asked sums 0 to 7.',
      covered: recentStart,
    });
    expect(model.calls).toHaveLength(1);
    expect(String(model.calls[0]!.messages[1]!.content)).toContain('h question 0');

    // Next run, same history: the stored summary is reused without a model call.
    await memory.inject(injectInput(store, model, history, { runId: 'run_2' }));
    expect(model.calls).toHaveLength(1);

    // Two more turns: only the turns since the stored summary are sent, with the earlier summary.
    const longer: Message[] = [...history, ...sampleConversation(2, 'later')];
    await memory.inject(injectInput(store, model, longer, { runId: 'run_3' }));
    expect(model.calls).toHaveLength(2);
    const prompt = String(model.calls[1]!.messages[1]!.content);
    expect(prompt).toContain('Earlier summary:\nAda asked sums 0 to 7.');
    expect(prompt).not.toContain('h question 0');
    expect(prompt).toContain('h question 8');
  });

  it('uses the configured model by name instead of the agent model', async () => {
    const summariser = new ScriptedModel({ script: ['from the summariser'], record: true });
    const agentModel = new ScriptedModel({ script: ['from the agent'], record: true });
    const memory = new SummaryMemory(
      { maxTokens: 20, keepRecentTurns: 1, model: 'cheap' },
      { models: () => registry({ cheap: summariser }) },
    );
    const injected = await memory.inject(injectInput(new MemoryStore(), agentModel, sampleConversation(4)));
    expect(injected.messages[0]?.content).toContain('from the summariser');
    expect(agentModel.calls).toEqual([]);
  });

  it('fails inject with the model error when summarising fails (the runtime applies onError)', async () => {
    const failing = new ScriptedModel({ script: [{ error: 'server' }] });
    const memory = new SummaryMemory({ maxTokens: 20, keepRecentTurns: 1, onError: 'fail' });
    await expect(
      memory.inject(injectInput(new MemoryStore(), failing, sampleConversation(4))),
    ).rejects.toMatchObject({
      code: 'model.server_error',
    });
    expect(memory.onError).toBe('fail');
  });
});
