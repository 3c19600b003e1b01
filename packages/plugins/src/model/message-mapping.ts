/** Maps Agentry messages and tool specs to the AI SDK's `ModelMessage`s and tool set. */
import type { JsonValue, Message, ToolSpec } from '@agentry/core';
import { type JSONSchema7, jsonSchema, type ModelMessage, type ToolSet, tool } from 'ai';

/** Converts the provider-neutral conversation to AI SDK messages (assistant tool calls and tool results included). */
export function toModelMessages(messages: readonly Message[]): ModelMessage[] {
  const result: ModelMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        result.push({ role: 'system', content: message.content });
        break;
      case 'user':
        result.push({ role: 'user', content: message.content });
        break;
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        if (calls.length === 0) {
          result.push({ role: 'assistant', content: message.content });
          break;
        }
        result.push({
          role: 'assistant',
          content: [
            ...(message.content === '' ? [] : [{ type: 'text' as const, text: message.content }]),
            ...calls.map((call) => ({
              type: 'tool-call' as const,
              toolCallId: call.id,
              toolName: call.name,
              input: call.input,
            })),
          ],
        });
        break;
      }
      case 'tool': {
        const part = {
          type: 'tool-result' as const,
          toolCallId: message.toolCallId,
          toolName: message.toolName,
          output: toolOutput(message.content, message.isError === true),
        };
        // Consecutive results of one turn travel in one tool message.
        const previous = result[result.length - 1];
        if (previous?.role === 'tool') previous.content.push(part);
        else result.push({ role: 'tool', content: [part] });
        break;
      }
    }
  }
  return result;
}

function toolOutput(content: JsonValue, isError: boolean) {
  if (typeof content === 'string') {
    return isError
      ? { type: 'error-text' as const, value: content }
      : { type: 'text' as const, value: content };
  }
  return isError
    ? { type: 'error-json' as const, value: content }
    : { type: 'json' as const, value: content };
}

/** Declares the tools for the SDK without `execute`, so tool calls come back to Agentry. */
export function toToolSet(tools: readonly ToolSpec[]): ToolSet | undefined {
  if (tools.length === 0) return undefined;
  const set: ToolSet = {};
  for (const spec of tools) {
    set[spec.name] = tool({
      description: spec.description,
      inputSchema: jsonSchema(spec.inputSchema as JSONSchema7),
    });
  }
  return set;
}
