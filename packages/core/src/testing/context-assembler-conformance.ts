/** `describeContextAssemblerConformance`: the behaviour every `context-assembler` plugin must show. */
import { afterEach, describe, expect, it } from 'vitest';
import type { AssembleInput, ContextAssembler } from '../contracts/context-assembler.js';
import type { Message } from '../contracts/message.js';
import type { Model } from '../contracts/model.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { deepFreeze, jsonRoundTrip, sampleConversation, transcriptProblems } from './message-checks.js';

/** Options of `describeContextAssemblerConformance`. */
export interface ContextAssemblerConformanceOptions {
  /** Suite title, e.g. the plugin name. */
  name: string;
  /** A fresh assembler per test. */
  create: () => ContextAssembler | Promise<ContextAssembler>;
  destroy?: (assembler: ContextAssembler) => void | Promise<void>;
  /** Model passed in `AssembleInput.model` (default: a scripted model with id `gpt-4o-mini`). */
  model?: () => Model;
}

/**
 * Registers a vitest suite checking that `assemble` keeps the instructions
 * first and the newest message, reports `kept + omitted` equal to what it
 * was given, never orphans a tool result or separates a tool call from its
 * results, never mutates its input, and returns plain JSON; and that
 * `finalize`, when present, returns a string.
 */
export function describeContextAssemblerConformance(options: ContextAssemblerConformanceOptions): void {
  describe(`context-assembler conformance: ${options.name}`, () => {
    const created: ContextAssembler[] = [];
    const make = async (): Promise<ContextAssembler> => {
      const assembler = await options.create();
      created.push(assembler);
      return assembler;
    };
    const model = options.model ?? (() => new ScriptedModel({ script: ['ok'], model: 'gpt-4o-mini' }));

    afterEach(async () => {
      for (const assembler of created.splice(0)) await options.destroy?.(assembler);
    });

    const input = (
      memory: Message[],
      messages: Message[],
      instructions = 'You are a careful assistant.',
    ): AssembleInput =>
      Object.freeze({
        agentId: 'agent_conformance',
        runId: 'run_conformance',
        instructions,
        memory: deepFreeze(memory),
        messages: deepFreeze(messages),
        tools: Object.freeze([]),
        model: model(),
      });

    const checkResult = (given: AssembleInput, result: Awaited<ReturnType<ContextAssembler['assemble']>>) => {
      expect(Array.isArray(result.messages)).toBe(true);
      expect(Number.isInteger(result.kept) && result.kept >= 0).toBe(true);
      expect(Number.isInteger(result.omitted) && result.omitted >= 0).toBe(true);
      expect(result.kept + result.omitted).toBe(given.memory.length + given.messages.length);
      expect(jsonRoundTrip(result.messages)).toEqual(result.messages);
      expect(transcriptProblems(result.messages)).toEqual([]);
      if (given.instructions !== '') {
        expect(result.messages[0]?.role).toBe('system');
        expect(String(result.messages[0]?.content)).toContain(given.instructions);
      }
      const newest = given.messages.at(-1);
      if (newest) expect(result.messages).toContainEqual(newest);
    };

    it('declares kind context-assembler, spec version 1 and a name', async () => {
      const assembler = await make();
      expect(assembler.kind).toBe('context-assembler');
      expect(assembler.specVersion).toBe(1);
      expect(typeof assembler.name).toBe('string');
    });

    it('keeps the instructions and the user input of a fresh run', async () => {
      const assembler = await make();
      const given = input([], [{ role: 'user', content: 'Hello there' }]);
      const result = await assembler.assemble(given);
      checkResult(given, result);
      expect(result.omitted).toBe(0);
      expect(result.messages.at(-1)).toEqual({ role: 'user', content: 'Hello there' });
    });

    it('places memory before the run messages', async () => {
      const assembler = await make();
      const memory: Message[] = [{ role: 'system', content: 'Remembered: the user likes tea.' }];
      const messages: Message[] = [{ role: 'user', content: 'Tea or coffee?' }];
      const given = input(memory, messages);
      const result = await assembler.assemble(given);
      checkResult(given, result);
      const memoryAt = result.messages.findIndex((message) => message.content === memory[0]!.content);
      const runAt = result.messages.findIndex((message) => message.content === messages[0]!.content);
      if (memoryAt >= 0) expect(memoryAt).toBeLessThan(runAt);
    });

    it('stays well formed on a long conversation with tool calls, ending on a tool result', async () => {
      const assembler = await make();
      const messages = sampleConversation(200, 'long');
      messages.push({ role: 'user', content: 'long final question' });
      messages.push({
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'final_a', name: 'add', input: { a: 1, b: 2 } },
          { id: 'final_b', name: 'add', input: { a: 3, b: 4 } },
        ],
      });
      messages.push({ role: 'tool', toolCallId: 'final_a', toolName: 'add', content: 3 });
      messages.push({ role: 'tool', toolCallId: 'final_b', toolName: 'add', content: 7 });
      const given = input(sampleConversation(20, 'memory'), messages);
      const result = await assembler.assemble(given);
      checkResult(given, result);
    });

    it('does not need instructions', async () => {
      const assembler = await make();
      const given = input([], [{ role: 'user', content: 'No system prompt' }], '');
      const result = await assembler.assemble(given);
      expect(result.kept + result.omitted).toBe(1);
      expect(result.messages.at(-1)).toEqual({ role: 'user', content: 'No system prompt' });
    });

    it('returns the same result for the same input (it may run again on resume)', async () => {
      const assembler = await make();
      const given = input(sampleConversation(5, 'mem'), sampleConversation(30, 'run'));
      const first = await assembler.assemble(given);
      const second = await assembler.assemble(given);
      expect(jsonRoundTrip(second)).toEqual(jsonRoundTrip(first));
    });

    it('finalize, when present, returns the output as a string', async () => {
      const assembler = await make();
      if (!assembler.finalize) return;
      const output = await assembler.finalize({
        agentId: 'agent_conformance',
        runId: 'run_conformance',
        output: 'The answer is 4.',
        messages: deepFreeze([{ role: 'user', content: 'What is 2+2?' }]),
      });
      expect(typeof output).toBe('string');
    });
  });
}
