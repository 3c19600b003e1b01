/** Shared parts of the pattern plugins: assistant messages from responses, and checked restore. */
import { type AssistantMessage, CheckpointError, type ModelResponse, type PatternState } from '@agentry/core';
import { z } from 'zod';

/** The assistant message of a response; tool calls only when `withCalls` (and there are some). */
export function assistantMessage(response: ModelResponse, withCalls: boolean): AssistantMessage {
  return withCalls && response.toolCalls.length > 0
    ? { role: 'assistant', content: response.text, toolCalls: response.toolCalls }
    : { role: 'assistant', content: response.text };
}

const messageSchema = z.looseObject({ role: z.enum(['system', 'user', 'assistant', 'tool']) });

/**
 * Checks a state loaded from a checkpoint against the pattern's schema;
 * throws `CheckpointError('checkpoint.corrupt')` naming the first problem.
 */
export function restoreState<S extends PatternState>(pattern: string, schema: z.ZodType, state: unknown): S {
  const result = z
    .looseObject({ messages: z.array(messageSchema) })
    .and(schema)
    .safeParse(state);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CheckpointError('checkpoint.corrupt', {
      message: `The checkpointed state is not ${pattern} pattern state${where}: ${issue?.message ?? 'invalid'}`,
      hint: 'The run was checkpointed by another pattern or a newer version; resume it with the agent config it started with.',
      context: { plugin: pattern },
    });
  }
  return state as S;
}
