/** Contract for the `memory` plugin kind: inject before a run, write back after it. */
import type { Message } from './message.js';
import type { Model } from './model.js';
import type { Store } from './store.js';

/** Input of `inject`, called once per run (never again on resume). */
export interface MemoryInjectInput {
  readonly sessionId: string;
  readonly agentId: string;
  readonly runId: string;
  /** The user input of this run. */
  readonly input: string;
  /** Earlier turns of the session, oldest first. */
  readonly history: readonly Message[];
  readonly store: Store;
  readonly model: Model;
  readonly signal: AbortSignal;
}

/** What the memory contributes to the run's context. */
export interface MemoryInjection {
  /** Messages placed after the system instructions and before this run's input. */
  messages: Message[];
}

/** Input of `writeback`, called once when a run completes. */
export interface MemoryWritebackInput {
  readonly sessionId: string;
  readonly agentId: string;
  readonly runId: string;
  /** Messages this run added (user input, assistant turns, tool results). */
  readonly messages: readonly Message[];
  readonly store: Store;
  readonly model: Model;
  readonly signal: AbortSignal;
}

/** What a failing memory does to the run. */
export type MemoryErrorPolicy = 'continue' | 'fail';

export interface Memory {
  readonly kind: 'memory';
  readonly specVersion: 1;
  readonly name: string;
  inject(input: MemoryInjectInput): Promise<MemoryInjection>;
  writeback(input: MemoryWritebackInput): Promise<void>;
  /** `continue` (default): a failure is reported as an event and the run goes on. */
  readonly onError?: MemoryErrorPolicy;
}

/** A memory that can shrink what it holds. */
export interface CompactingMemory extends Memory {
  compact(input: { sessionId: string; agentId: string; store: Store; model: Model }): Promise<void>;
}

/** A memory that can be searched. */
export interface RetrievingMemory extends Memory {
  retrieve(input: {
    sessionId: string;
    agentId: string;
    query: string;
    limit?: number;
    store: Store;
  }): Promise<Message[]>;
}

export function isMemory(value: unknown): value is Memory {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'memory';
}
export function isCompactingMemory(value: Memory): value is CompactingMemory {
  return typeof (value as Partial<CompactingMemory>).compact === 'function';
}
export function isRetrievingMemory(value: Memory): value is RetrievingMemory {
  return typeof (value as Partial<RetrievingMemory>).retrieve === 'function';
}
