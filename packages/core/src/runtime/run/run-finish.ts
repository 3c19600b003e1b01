/** How a run segment ends: completion steps (writeback, transcript, finalize), then result, events, snapshot, record. */

import { withoutSecrets } from '../../config/redactor.js';
import type { JsonValue } from '../../contracts/json.js';
import type { RunResult } from '../../contracts/run.js';
import type { StoreBatchEntry } from '../../contracts/store.js';
import { inboxEndRecorded } from '../inbox/run-inbox.js';
import { runEventBlocks, writeRunEvents } from '../records/event-log.js';
import { timeText } from '../records/event-recorder.js';
import { appendTranscript } from '../records/transcript.js';
import type { RunContext } from '../state/run-context.js';
import { writebackMemories } from './memory-steps.js';

/** Runs the completion steps in order: memory writeback, transcript append, context finalize, `run.completed`. */
export async function completeRun(
  run: RunContext,
  output: string,
  structured?: JsonValue,
): Promise<RunResult> {
  const { snapshot, agent, services } = run;
  const session = snapshot.sessionId !== snapshot.runId;
  let kept = snapshot.patternState.messages;
  // What outlives the run (memories, the session transcript) keeps no registered secret.
  if (services.redactor && (session || agent.memories.length > 0))
    kept = withoutSecrets(services.redactor, kept);
  if (agent.memories.length > 0) await writebackMemories(run, kept);
  if (session) await appendTranscript(services.store, snapshot.sessionId, kept);
  let finalOutput = output;
  if (agent.context.finalize) {
    finalOutput = await agent.context.finalize({
      agentId: agent.id,
      runId: snapshot.runId,
      output,
      messages: snapshot.patternState.messages,
    });
  }
  run.closeDuration();
  run.recorder.emit('run.completed', { output: finalOutput, usage: { ...snapshot.usage } });
  return endSegment(run, {
    status: 'completed',
    stopReason: 'completed',
    output: finalOutput,
    ...(structured === undefined ? {} : { structured }),
  });
}

/** The parts of a result that differ between endings. */
export type ResultParts = Pick<RunResult, 'status' | 'stopReason' | 'output'> &
  Partial<Pick<RunResult, 'structured' | 'error'>>;

/**
 * Builds the result, stores the events not stored yet, saves the snapshot
 * (`run.suspended` or `run.finished`) and writes the run record. The final
 * event must have been emitted (and the duration closed) before.
 */
export async function endSegment(run: RunContext, parts: ResultParts): Promise<RunResult> {
  const { snapshot, services } = run;
  const result: RunResult = {
    runId: snapshot.runId,
    sessionId: snapshot.sessionId,
    agentId: snapshot.agentId,
    ...parts,
    usage: { ...snapshot.usage },
    pending: parts.status === 'suspended' ? snapshot.pending.map((call) => ({ ...call })) : [],
  };
  snapshot.status = parts.status;
  snapshot.eventSeq = run.recorder.lastSeq;
  // A run that is not durable writes its events here, with its final record when they start a block.
  let events: readonly StoreBatchEntry[] = [];
  if (!run.persistence.durable) {
    const taken = run.recorder.takeEvents();
    const blocks =
      taken.items.length === 0 ? [] : services.store.setBatch ? runEventBlocks(taken) : undefined;
    if (blocks === undefined) await writeRunEvents(services.store, taken);
    // A process-local store may keep the blocks unencoded until they are read (see `MemoryStore`).
    else if (services.store.processLocal) events = blocks;
    else events = blocks.map(({ namespace, key, text }) => ({ namespace, key, text }));
  }
  const reason = parts.status === 'suspended' ? 'run.suspended' : 'run.finished';
  const now = timeText(services.clock.now());
  // The record goes with the final save (one transaction) when the persistence can write it.
  try {
    await services.records.finished(
      snapshot,
      result,
      run.options.createdAt,
      now,
      run.options.worker,
      (record) => run.saveWith(reason, record),
      events,
    );
  } finally {
    // Subscribers hear how the segment ended once its record says so.
    run.recorder.publishHeld();
  }
  // The stored record refuses input from now on: a closed inbox need not be remembered any longer.
  if (parts.status !== 'suspended') inboxEndRecorded(services.store, snapshot.runId);
  return result;
}
