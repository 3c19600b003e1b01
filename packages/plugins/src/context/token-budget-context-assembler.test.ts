import { type AssembleInput, type Message, ScriptedModel } from '@agentry/core';
import { describeContextAssemblerConformance, transcriptProblems } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { TokenBudgetContextAssembler } from './token-budget-context-assembler.js';
import { charsTokenCounter, encodingForModel, tokenCounterFor } from './token-counter.js';

for (const strategy of ['sliding-window', 'head-tail', 'importance'] as const) {
  describeContextAssemblerConformance({
    name: `TokenBudgetContextAssembler (${strategy})`,
    create: () => new TokenBudgetContextAssembler({ strategy, maxTokens: 300 }),
  });
}
describeContextAssemblerConformance({
  name: 'TokenBudgetContextAssembler (unknown model, o200k_base estimate)',
  create: () => new TokenBudgetContextAssembler({ maxTokens: 200 }),
  model: () => new ScriptedModel({ script: ['x'], model: 'claude-sonnet-4' }),
});

const input = (messages: Message[], modelId = 'my-local-model'): AssembleInput => ({
  agentId: 'a',
  runId: 'r',
  instructions: 'Be brief.',
  memory: [],
  messages,
  tools: [],
  model: new ScriptedModel({ script: ['x'], model: modelId }),
});

/** 40-character messages: 14 tokens each with the chars estimate (10 + 4 overhead). */
function numbered(count: number): Message[] {
  return Array.from({ length: count }, (_, index) => ({
    role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: `message ${String(index).padStart(2, '0')} `.padEnd(40, '.'),
  }));
}
const contents = (messages: Message[]) => messages.map((message) => String(message.content).slice(0, 10));

describe('TokenBudgetContextAssembler', () => {
  it('sliding-window keeps the newest messages that fit and reports the rest', async () => {
    // Budget: 100 - 7 (instructions) - 24 (note) = 69 tokens: four 14-token messages.
    const assembler = new TokenBudgetContextAssembler({ maxTokens: 100, encoding: 'chars' });
    const result = await assembler.assemble(input(numbered(10)));
    expect(result).toMatchObject({ kept: 4, omitted: 6 });
    expect(contents(result.messages.slice(2))).toEqual([
      'message 06',
      'message 07',
      'message 08',
      'message 09',
    ]);
    expect(result.messages[1]?.content).toContain('6 earlier messages were left out to fit the token budget');
  });

  it('head-tail keeps the task at the start of the run and the newest messages', async () => {
    const assembler = new TokenBudgetContextAssembler({
      maxTokens: 100,
      strategy: 'head-tail',
      headMessages: 1,
      encoding: 'chars',
    });
    const result = await assembler.assemble(input(numbered(10)));
    expect(contents(result.messages.slice(2))).toEqual([
      'message 00',
      'message 07',
      'message 08',
      'message 09',
    ]);
  });

  it('importance keeps the last user message and the last tool results before older context', async () => {
    const big = 'x'.repeat(400);
    const messages: Message[] = [
      { role: 'user', content: 'What is 2+2? Use the tool.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'add', input: { a: 2, b: 2 } }] },
      { role: 'tool', toolCallId: 'c1', toolName: 'add', content: 4 },
      { role: 'assistant', content: big },
      { role: 'assistant', content: big },
      { role: 'assistant', content: 'short remark' },
    ];
    const assembler = new TokenBudgetContextAssembler({ maxTokens: 120, strategy: 'importance' });
    const result = await assembler.assemble(input(messages));
    expect(result.messages.slice(2)).toEqual([messages[0], messages[1], messages[2], messages[5]]);
    expect(result).toMatchObject({ kept: 4, omitted: 2 });
    const sliding = await new TokenBudgetContextAssembler({ maxTokens: 120 }).assemble(input(messages));
    expect(sliding.messages).not.toContainEqual(messages[0]);
    expect(transcriptProblems(sliding.messages)).toEqual([]);
  });

  it('counts OpenAI model ids with their tiktoken encoding and other models with o200k_base as an estimate', async () => {
    expect(encodingForModel('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingForModel('openai/gpt-4.1')).toBe('o200k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('claude-sonnet-4')).toBeUndefined();
    const tiktoken = await tokenCounterFor('gpt-4o');
    expect(tiktoken.encoding).toBe('o200k_base');
    expect(tiktoken.countText('hello world')).toBe(2);
    const estimate = await tokenCounterFor('claude-sonnet-4');
    expect(estimate.encoding).toBe('o200k_base');
    // "Refund order 1042 to the customer" is 8 o200k tokens; characters divided by four would say 9.
    expect(estimate.countText('Refund order 1042 to the customer')).toBe(8);
    expect((await tokenCounterFor('llama3', 'chars')).encoding).toBe('chars');
    expect(charsTokenCounter.countText('12345678')).toBe(2);
  });

  it('keeps the newest message even when it alone is over budget', async () => {
    const assembler = new TokenBudgetContextAssembler({ maxTokens: 10 });
    const result = await assembler.assemble(input([{ role: 'user', content: 'y'.repeat(500) }]));
    expect(result).toMatchObject({ kept: 1, omitted: 0 });
  });
});
