/** The provider-neutral message format that patterns, memories, assemblers and models exchange. */
import type { JsonValue } from './json.js';

/** A tool call the model asked for, as it arrived (its `id` is the model's own tool-call id). */
export type ToolCallRequest = {
  /** The model's tool-call id; the runtime derives the durable call id from it. */
  id: string;
  /** Name of the tool as the model saw it. */
  name: string;
  /** Arguments as parsed from the model output (not yet validated). */
  input: JsonValue;
};

export type SystemMessage = {
  role: 'system';
  content: string;
};
export type UserMessage = {
  role: 'user';
  content: string;
};
export type AssistantMessage = {
  role: 'assistant';
  content: string;
  /** Tool calls of this turn, in the order the model produced them. */
  toolCalls?: ToolCallRequest[];
};
export type ToolMessage = {
  role: 'tool';
  /** The model's tool-call id this result answers. */
  toolCallId: string;
  toolName: string;
  /** The tool output (or error description) as JSON. */
  content: JsonValue;
  /** True when `content` describes a failure the model should react to. */
  isError?: boolean;
};

/** One message of a conversation. Messages are plain JSON so checkpoints can hold them. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
