import { ScriptedModel } from '@agentry/core';
import { describePatternConformance, drivePattern, PatternHarness } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { PlanExecutePattern } from './plan-execute-pattern.js';
import { parsePlan } from './plan-parser.js';

describePatternConformance({
  name: 'PlanExecutePattern',
  create: () => new PlanExecutePattern(),
  scenario: {
    input: 'What is 2 + 3? Report it.',
    script: [
      '["Add 2 and 3", "Report the sum"]',
      { toolCalls: [{ tool: 'add', input: { a: 2, b: 3 } }] },
      'The sum is 5.',
      'Reported: 5.',
      'The answer is 5.',
    ],
    output: 'The answer is 5.',
  },
});

describePatternConformance({
  name: 'PlanExecutePattern (re-plan after a failed tool)',
  create: () => new PlanExecutePattern({ finalAnswer: false }),
  scenario: {
    input: 'Fail once, then add.',
    script: [
      '```json\n["Try the fail tool"]\n```',
      { toolCalls: [{ tool: 'fail' }] },
      '["Add 1 and 1"]',
      { toolCalls: [{ tool: 'add', input: { a: 1, b: 1 } }] },
      'It is 2.',
    ],
    output: 'It is 2.',
  },
});

function run(pattern: PlanExecutePattern, script: ConstructorParameters<typeof ScriptedModel>[0]['script']) {
  const harness = new PatternHarness({ model: new ScriptedModel({ script }) });
  const state = pattern.start({ input: 'Do it', messages: [{ role: 'user', content: 'Do it' }] });
  return { harness, result: drivePattern(pattern, state, harness) };
}

describe('PlanExecutePattern', () => {
  it('emits each plan as a pattern.planned event and re-plans when a step fails', async () => {
    const { harness, result } = run(new PlanExecutePattern(), [
      '["Use the fail tool", "Answer"]',
      { toolCalls: [{ tool: 'fail' }] },
      '["Add 1 and 2"]',
      { toolCalls: [{ tool: 'add', input: { a: 1, b: 2 } }] },
      '3',
      'The result is 3.',
    ]);
    const { output, state } = await result;
    expect(output).toBe('The result is 3.');
    expect(harness.events).toEqual([
      { type: 'pattern.planned', data: { plan: ['Use the fail tool', 'Answer'], replans: 0 } },
      { type: 'pattern.planned', data: { plan: ['Add 1 and 2'], replans: 1 } },
    ]);
    const replanPrompt = state.messages.find(
      (message) => message.role === 'user' && String(message.content).startsWith('Step 1 failed'),
    );
    expect(String(replanPrompt?.content)).toContain('tool fail returned an error');
    expect(state.messages).toContainEqual(
      expect.objectContaining({ role: 'tool', toolName: 'add', content: 3 }),
    );
  });

  it('asks again for an unreadable plan, then falls back to the request as the only step', async () => {
    const { harness, result } = run(new PlanExecutePattern({ maxReplans: 1, finalAnswer: false }), [
      'I will just do it.',
      'Still no JSON, sorry.',
      'Done directly.',
    ]);
    const { output } = await result;
    expect(output).toBe('Done directly.');
    expect(harness.events).toEqual([
      { type: 'pattern.planned', data: { plan: ['Answer the request: Do it'], replans: 1 } },
    ]);
  });

  it('makes a step that keeps calling tools answer without tools after maxStepTurns', async () => {
    const loop = { toolCalls: [{ tool: 'echo', input: { text: 'again' } }] };
    const { harness, result } = run(
      new PlanExecutePattern({ maxReplans: 0, maxStepTurns: 2, finalAnswer: false }),
      ['["Loop"]', loop, loop, 'Gave up looping.'],
    );
    expect((await result).output).toBe('Gave up looping.');
    expect(harness.toolTurns).toBe(2);
  });

  it('rejects a checkpointed state of another pattern with checkpoint.corrupt', () => {
    const pattern = new PlanExecutePattern();
    expect(() => pattern.restore({ messages: [], phase: 'critique' })).toThrow(
      expect.objectContaining({ code: 'checkpoint.corrupt' }),
    );
  });
});

describe('parsePlan', () => {
  it('reads plans from bare JSON, code fences, prose and { steps } objects', () => {
    expect(parsePlan('["a", "b"]')).toEqual(['a', 'b']);
    expect(parsePlan('Here is my plan:\n```json\n["a"]\n```')).toEqual(['a']);
    expect(parsePlan('Plan: ["x", "y"] — then I answer.')).toEqual(['x', 'y']);
    expect(parsePlan('{"steps": [{"step": "one"}, {"description": "two"}]}')).toEqual(['one', 'two']);
    expect(parsePlan('no plan')).toBeUndefined();
    expect(parsePlan('[]')).toBeUndefined();
    expect(parsePlan('[1, 2]')).toBeUndefined();
  });
});
