import { ScriptedModel } from '@agentry/core';
import { describePatternConformance, drivePattern, PatternHarness } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { ReflexionPattern } from './reflexion-pattern.js';

describePatternConformance({
  name: 'ReflexionPattern',
  create: () => new ReflexionPattern(),
  scenario: {
    input: 'What is 2 + 3?',
    script: [
      { toolCalls: [{ tool: 'add', input: { a: 2, b: 3 } }] },
      'It is 6.',
      'The sum is wrong: the tool returned 5.',
      'It is 5.',
      'APPROVED',
    ],
    output: 'It is 5.',
  },
});

describePatternConformance({
  name: 'ReflexionPattern (no reflections: a plain answer loop)',
  create: () => new ReflexionPattern({ maxReflections: 0 }),
});

function run(pattern: ReflexionPattern, script: ConstructorParameters<typeof ScriptedModel>[0]['script']) {
  const harness = new PatternHarness({ model: new ScriptedModel({ script }) });
  const state = pattern.start({ input: 'Answer', messages: [{ role: 'user', content: 'Answer' }] });
  return { harness, result: drivePattern(pattern, state, harness) };
}

describe('ReflexionPattern', () => {
  it('retries with the critique and stops after maxReflections critiques with the last answer', async () => {
    const { harness, result } = run(new ReflexionPattern({ maxReflections: 2 }), [
      'first',
      'too short',
      'second',
      'still too short',
      'third',
    ]);
    const { output, state } = await result;
    expect(output).toBe('third');
    expect(harness.modelCalls).toBe(5);
    expect(state.reflections).toBe(2);
    const prompts = state.messages
      .filter((message) => message.role === 'user')
      .map((message) => message.content);
    expect(prompts.filter((prompt) => String(prompt).startsWith('Revise your answer'))).toHaveLength(2);
  });

  it('accepts an answer when the critique starts with the approval word, and not when it merely mentions it', async () => {
    const accepted = run(new ReflexionPattern({ approvalWord: 'LGTM' }), ['draft', 'lgtm, nothing to add']);
    expect((await accepted.result).output).toBe('draft');
    const rejected = run(new ReflexionPattern({ approvalWord: 'LGTM', maxReflections: 1 }), [
      'draft',
      'Not LGTM yet: add detail.',
      'detailed draft',
    ]);
    expect((await rejected.result).output).toBe('detailed draft');
  });

  it('critiques without tools', async () => {
    const model = new ScriptedModel({ script: ['answer', 'APPROVED'], record: true });
    const harness = new PatternHarness({ model });
    const pattern = new ReflexionPattern();
    await drivePattern(
      pattern,
      pattern.start({ input: 'q', messages: [{ role: 'user', content: 'q' }] }),
      harness,
    );
    expect(model.calls.map((call) => call.tools.length)).toEqual([3, 0]);
  });
});
