/** Helpers for the memory tests: inject/writeback inputs over a real store. */
import type { MemoryInjectInput, MemoryWritebackInput, Message, Model, Store } from '@agentry/core';

export function injectInput(
  store: Store,
  model: Model,
  history: Message[],
  overrides: Partial<MemoryInjectInput> = {},
): MemoryInjectInput {
  return {
    sessionId: 'session_1',
    agentId: 'agent_1',
    runId: 'run_1',
    input: 'next question',
    history,
    store,
    model,
    signal: new AbortController().signal,
    ...overrides,
  };
}

export function writebackInput(
  store: Store,
  model: Model,
  messages: Message[],
  overrides: Partial<MemoryWritebackInput> = {},
): MemoryWritebackInput {
  return {
    sessionId: 'session_1',
    agentId: 'agent_1',
    runId: 'run_1',
    messages,
    store,
    model,
    signal: new AbortController().signal,
    ...overrides,
  };
}
