import { type AssembleInput, type Message, ScriptedModel } from '@agentry/core';
import {
  describeContextAssemblerConformance,
  sampleConversation,
  transcriptProblems,
} from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { TruncatingContextAssembler } from './truncating-context-assembler.js';

describeContextAssemblerConformance({
  name: 'TruncatingContextAssembler',
  create: () => new TruncatingContextAssembler({ maxMessages: 10 }),
});
describeContextAssemblerConformance({
  name: 'TruncatingContextAssembler (maxMessages 1)',
  create: () => new TruncatingContextAssembler({ maxMessages: 1 }),
});

const model = new ScriptedModel({ script: ['x'] });
const input = (messages: Message[], memory: Message[] = []): AssembleInput => ({
  agentId: 'a',
  runId: 'r',
  instructions: 'Be brief.',
  memory,
  messages,
  tools: [],
  model,
});

describe('TruncatingContextAssembler', () => {
  it('keeps the last N messages and says how many were left out', () => {
    const assembler = new TruncatingContextAssembler({ maxMessages: 3 });
    const messages: Message[] = [1, 2, 3, 4, 5].map((turn) => ({ role: 'user', content: `m${turn}` }));
    const result = assembler.assemble(input(messages));
    expect(result.kept).toBe(3);
    expect(result.omitted).toBe(2);
    expect(result.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'system',
        content: '[Context note: 2 earlier messages were left out to stay within the message limit.]',
      },
      { role: 'user', content: 'm3' },
      { role: 'user', content: 'm4' },
      { role: 'user', content: 'm5' },
    ]);
  });

  it('drops a tool turn whole rather than orphaning its results', () => {
    const assembler = new TruncatingContextAssembler({ maxMessages: 3, note: false });
    const messages: Message[] = [
      { role: 'user', content: 'add twice' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'add', input: {} },
          { id: 'b', name: 'add', input: {} },
        ],
      },
      { role: 'tool', toolCallId: 'a', toolName: 'add', content: 1 },
      { role: 'tool', toolCallId: 'b', toolName: 'add', content: 2 },
      { role: 'assistant', content: 'Both done' },
      { role: 'user', content: 'thanks' },
    ];
    const result = assembler.assemble(input(messages));
    expect(result.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Both done' },
      { role: 'user', content: 'thanks' },
    ]);
    expect(result).toMatchObject({ kept: 2, omitted: 4 });
  });

  it('keeps the newest tool turn whole even when it alone is longer than the limit', () => {
    const assembler = new TruncatingContextAssembler({ maxMessages: 2 });
    const messages = sampleConversation(3, 'x'); // ends: user, assistant call, tool result, assistant answer
    const endsWithToolTurn = messages.slice(0, -1);
    const result = assembler.assemble(input(endsWithToolTurn));
    expect(transcriptProblems(result.messages)).toEqual([]);
    expect(result.messages.at(-1)).toEqual(endsWithToolTurn.at(-1));
    expect(result.kept).toBe(2);
  });

  it('counts memory with the run messages, memory first', () => {
    const assembler = new TruncatingContextAssembler({ maxMessages: 2, note: false });
    const result = assembler.assemble(
      input(
        [{ role: 'user', content: 'now' }],
        [
          { role: 'user', content: 'old' },
          { role: 'assistant', content: 'older answer' },
        ],
      ),
    );
    expect(result.messages.map((message) => message.content)).toEqual(['Be brief.', 'older answer', 'now']);
    expect(result).toMatchObject({ kept: 2, omitted: 1 });
  });

  it('rejects a config without a positive maxMessages', () => {
    expect(TruncatingContextAssembler.plugin.configSchema.safeParse({ maxMessages: 0 }).success).toBe(false);
    expect(TruncatingContextAssembler.plugin.configSchema.safeParse({ maxMesages: 5 }).success).toBe(false);
  });
});
