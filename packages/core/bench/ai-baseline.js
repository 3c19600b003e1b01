// Baseline of the start row: a K-step tool loop with the AI SDK (`generateText` + `MockLanguageModelV3` from
// `ai/test`, the same tool and schema), as a user of the SDK would write it.
import { generateText, stepCountIs, ToolLoopAgent, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

/**
 * Baseline of the createRuntime row: the AI SDK's nearest equivalent of a configured runtime, a
 * `ToolLoopAgent` with its model and the tool (built as `aiSdkLoop` builds them).
 */
export function aiSdkAgent(steps) {
  return new ToolLoopAgent({
    model: new MockLanguageModelV3({ doGenerate: [] }),
    instructions: 'bench',
    tools: {
      note: tool({
        description: 'Stores a short note',
        inputSchema: z.object({ value: z.string() }),
        execute: async (input) => ({ stored: input.value.length }),
      }),
    },
    stopWhen: stepCountIs(steps + 1),
  });
}

/** Runs the loop: K responses that each call `note` once, then `done`. Returns the final text. */
export async function aiSdkLoop(steps) {
  const responses = [];
  for (let index = 0; index < steps; index += 1) {
    responses.push({
      content: [
        {
          type: 'tool-call',
          toolCallId: `call_${index}`,
          toolName: 'note',
          input: JSON.stringify({ value: `item ${index}` }),
        },
      ],
      finishReason: { unified: 'tool-calls', raw: undefined },
      usage,
      warnings: [],
    });
  }
  responses.push({
    content: [{ type: 'text', text: 'done' }],
    finishReason: { unified: 'stop', raw: undefined },
    usage,
    warnings: [],
  });
  const result = await generateText({
    model: new MockLanguageModelV3({ doGenerate: responses }),
    prompt: 'go',
    tools: {
      note: tool({
        description: 'Stores a short note',
        inputSchema: z.object({ value: z.string() }),
        execute: async (input) => ({ stored: input.value.length }),
      }),
    },
    stopWhen: stepCountIs(steps + 1),
  });
  return result.text;
}
