/** Memory `inject` (once, on the fresh path) and `writeback` (once, on completion), with each memory's `onError`. */
import type { Memory } from '../../contracts/memory.js';
import type { Message } from '../../contracts/message.js';
import { serializeError } from '../../errors/agentry-error.js';
import type { RunContext } from '../state/run-context.js';

/** Runs every memory's `inject` and stores the messages in the snapshot (never again on resume). */
export async function injectMemories(run: RunContext, history: readonly Message[]): Promise<void> {
  const { snapshot, agent } = run;
  const injected: Message[] = [];
  for (const memory of agent.memories) {
    try {
      const injection = await run.abort.race(
        memory.inject({
          sessionId: snapshot.sessionId,
          agentId: agent.id,
          runId: snapshot.runId,
          input: snapshot.input,
          history,
          store: run.services.store,
          model: agent.model,
          signal: run.abort.signal,
        }),
      );
      injected.push(...injection.messages);
      run.recorder.emit('memory.injected', { memory: memory.name, messages: injection.messages.length });
    } catch (error) {
      reportFailure(run, memory, 'inject', error);
    }
  }
  snapshot.memoryMessages = injected;
}

/**
 * Runs every memory's `writeback` with the run's messages; `messages` are the run's messages without
 * registered secrets (memories keep what they are given, in the store or elsewhere).
 */
export async function writebackMemories(run: RunContext, messages: readonly Message[]): Promise<void> {
  const { snapshot, agent } = run;
  for (const memory of agent.memories) {
    try {
      await run.abort.race(
        memory.writeback({
          sessionId: snapshot.sessionId,
          agentId: agent.id,
          runId: snapshot.runId,
          messages,
          store: run.services.store,
          model: agent.model,
          signal: run.abort.signal,
        }),
      );
      run.recorder.emit('memory.written', { memory: memory.name });
    } catch (error) {
      reportFailure(run, memory, 'writeback', error);
    }
  }
}

/** Emits `memory.failed`; re-throws when the run was aborted or the memory's `onError` is `fail`. */
function reportFailure(run: RunContext, memory: Memory, phase: 'inject' | 'writeback', error: unknown): void {
  run.abort.throwIfAborted();
  const { code, message } = serializeError(error);
  run.recorder.emit('memory.failed', { memory: memory.name, phase, error: { code, message } });
  if (memory.onError === 'fail') throw error;
}
