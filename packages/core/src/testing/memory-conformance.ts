/** `describeMemoryConformance`: the behaviour every `memory` plugin must show. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Memory, MemoryInjectInput, MemoryWritebackInput } from '../contracts/memory.js';
import { isCompactingMemory, isRetrievingMemory } from '../contracts/memory.js';
import type { Message } from '../contracts/message.js';
import type { Model } from '../contracts/model.js';
import type { Store } from '../contracts/store.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { deepFreeze, jsonRoundTrip, sampleConversation, transcriptProblems } from './message-checks.js';

/** Options of `describeMemoryConformance`. */
export interface MemoryConformanceOptions {
  /** Suite title, e.g. the plugin name. */
  name: string;
  /** A fresh memory per test; it receives the store the suite passes to `inject`/`writeback`. */
  create: (context: { store: Store; model: Model }) => Memory | Promise<Memory>;
  destroy?: (memory: Memory) => void | Promise<void>;
  /** The store given to the memory (default: a fresh core `MemoryStore` per test). */
  store?: () => Store | Promise<Store>;
  /** The model given to the memory (default: a scripted model that answers every call with a short summary). */
  model?: () => Model;
}

let counter = 0;

/**
 * Registers a vitest suite checking that `inject` returns well-formed plain
 * JSON messages without orphaned tool results, does not mutate its input,
 * that `writeback` then `inject` works across runs of a session, that
 * sessions do not leak into each other, the `onError` policy value, and the
 * optional `retrieve` / `compact` abilities.
 */
export function describeMemoryConformance(options: MemoryConformanceOptions): void {
  describe(`memory conformance: ${options.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    const model = options.model ?? (() => new ScriptedModel({ script: ['Summary: the user asked sums.'] }));

    const setup = async (): Promise<{ memory: Memory; store: Store; model: Model }> => {
      const store = options.store ? await options.store() : new MemoryStore();
      const usedModel = model();
      const memory = await options.create({ store, model: usedModel });
      cleanups.push(async () => {
        await options.destroy?.(memory);
        if (!options.store) await store.close();
      });
      return { memory, store, model: usedModel };
    };

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    const ids = () => {
      counter++;
      return { sessionId: `session_conf_${counter}_${Date.now()}`, runId: `run_conf_${counter}` };
    };
    const injectInput = (
      parts: { store: Store; model: Model; sessionId: string; runId: string },
      input: string,
      history: Message[],
    ): MemoryInjectInput => ({
      sessionId: parts.sessionId,
      agentId: 'agent_conformance',
      runId: parts.runId,
      input,
      history: deepFreeze(history),
      store: parts.store,
      model: parts.model,
      signal: new AbortController().signal,
    });
    const writebackInput = (
      parts: { store: Store; model: Model; sessionId: string; runId: string },
      messages: Message[],
    ): MemoryWritebackInput => ({
      sessionId: parts.sessionId,
      agentId: 'agent_conformance',
      runId: parts.runId,
      messages: deepFreeze(messages),
      store: parts.store,
      model: parts.model,
      signal: new AbortController().signal,
    });

    const checkMessages = (messages: Message[]) => {
      expect(Array.isArray(messages)).toBe(true);
      expect(jsonRoundTrip(messages)).toEqual(messages);
      for (const message of messages) expect(['system', 'user', 'assistant', 'tool']).toContain(message.role);
      expect(transcriptProblems(messages)).toEqual([]);
    };

    it('declares kind memory, spec version 1, a name and a valid onError policy', async () => {
      const { memory } = await setup();
      expect(memory.kind).toBe('memory');
      expect(memory.specVersion).toBe(1);
      expect(typeof memory.name).toBe('string');
      expect([undefined, 'continue', 'fail']).toContain(memory.onError);
    });

    it('injects well-formed messages for a new session', async () => {
      const { memory, store, model: used } = await setup();
      const injection = await memory.inject(injectInput({ store, model: used, ...ids() }, 'Hello', []));
      checkMessages(injection.messages);
    });

    it('injects well-formed messages from a long history with tool calls, without mutating it', async () => {
      const { memory, store, model: used } = await setup();
      const history = sampleConversation(60, 'history');
      const copy = jsonRoundTrip(history);
      const injection = await memory.inject(injectInput({ store, model: used, ...ids() }, 'Next?', history));
      checkMessages(injection.messages);
      expect(history).toEqual(copy);
    });

    it('accepts a writeback and injects again in the next run of the session', async () => {
      const { memory, store, model: used } = await setup();
      const first = ids();
      const parts = { store, model: used, ...first };
      await memory.inject(injectInput(parts, 'My name is Ada.', []));
      const runMessages: Message[] = [
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Nice to meet you, Ada.' },
      ];
      await memory.writeback(writebackInput(parts, runMessages));
      const next = { ...parts, runId: `${first.runId}_next` };
      const injection = await memory.inject(injectInput(next, 'What is my name?', runMessages));
      checkMessages(injection.messages);
    });

    it('keeps sessions apart: one session never sees messages written in another', async () => {
      const { memory, store, model: used } = await setup();
      const secret = `zebra-${counter}-${Date.now()}`;
      const sessionA = { store, model: used, ...ids() };
      const messagesA: Message[] = [
        { role: 'user', content: `Remember the word ${secret}.` },
        { role: 'assistant', content: `I will remember ${secret}.` },
      ];
      await memory.inject(injectInput(sessionA, messagesA[0]!.content as string, []));
      await memory.writeback(writebackInput(sessionA, messagesA));
      const sessionB = { store, model: used, ...ids() };
      const injection = await memory.inject(injectInput(sessionB, `Which word? ${secret}`, []));
      expect(JSON.stringify(injection.messages)).not.toContain(secret);
    });

    it('retrieve (when supported) returns well-formed messages within the limit', async () => {
      const { memory, store, model: used } = await setup();
      if (!isRetrievingMemory(memory)) return;
      const parts = { store, model: used, ...ids() };
      await memory.writeback(writebackInput(parts, sampleConversation(6, 'retrieve')));
      const found = await memory.retrieve({
        sessionId: parts.sessionId,
        agentId: 'agent_conformance',
        query: 'question plus',
        limit: 2,
        store,
      });
      checkMessages(found);
      expect(found.length).toBeLessThanOrEqual(2);
    });

    it('compact (when supported) leaves the memory usable', async () => {
      const { memory, store, model: used } = await setup();
      if (!isCompactingMemory(memory)) return;
      const parts = { store, model: used, ...ids() };
      await memory.writeback(writebackInput(parts, sampleConversation(10, 'compact')));
      await memory.compact({ sessionId: parts.sessionId, agentId: 'agent_conformance', store, model: used });
      const injection = await memory.inject(
        injectInput(parts, 'After compaction', sampleConversation(10, 'c')),
      );
      checkMessages(injection.messages);
    });
  });
}
