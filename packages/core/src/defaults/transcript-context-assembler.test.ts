import { describe, expect, it } from 'vitest';
import { describeContextAssemblerConformance } from '../testing/context-assembler-conformance.js';
import { ScriptedModel } from './scripted-model.js';
import { TranscriptContextAssembler } from './transcript-context-assembler.js';

describeContextAssemblerConformance({
  name: 'TranscriptContextAssembler',
  create: () => new TranscriptContextAssembler(),
});

describe('TranscriptContextAssembler', () => {
  it('shows the model instructions, then memory, then every run message, and omits nothing', () => {
    const assembler = new TranscriptContextAssembler();
    const result = assembler.assemble({
      agentId: 'a',
      runId: 'r',
      instructions: 'Be brief.',
      memory: [{ role: 'system', content: 'The user is Ada.' }],
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello Ada' },
      ],
      tools: [],
      model: new ScriptedModel({ script: ['x'] }),
    });
    expect(result).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'The user is Ada.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello Ada' },
      ],
      kept: 3,
      omitted: 0,
    });
  });
});
