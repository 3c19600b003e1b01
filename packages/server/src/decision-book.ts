/**
 * Decisions on some pending calls of a suspended run, until its last call is decided: kept in the store
 * (`runtime.runs.decisions`), so they survive a restart of the server and every server on the store sees
 * them; in this server's memory only for a runtime without that ability.
 */
import type { Decision, PartialDecisions, Runtime } from '@agentry/core';

type DecisionMap = { [callId: string]: Decision };

/** A decision counts for a call only while the call's input is still the one it was given for. */
function current(decision: Decision, inputHash: string): boolean {
  return !('inputHash' in decision) || decision.inputHash === undefined || decision.inputHash === inputHash;
}

function memoryDecisions(): PartialDecisions {
  const runs = new Map<string, Map<string, Decision>>();
  return {
    get: async (runId, callIds) => {
      const kept = runs.get(runId);
      const found: DecisionMap = {};
      for (const callId of callIds) {
        const decision = kept?.get(callId);
        if (decision) found[callId] = decision;
      }
      return found;
    },
    set: async (runId, callId, decision) => {
      const kept = runs.get(runId) ?? new Map<string, Decision>();
      kept.set(callId, decision);
      runs.set(runId, kept);
    },
    clear: async (runId, callIds) => {
      const kept = runs.get(runId);
      for (const callId of callIds) kept?.delete(callId);
      if (kept?.size === 0) runs.delete(runId);
    },
  };
}

export class DecisionBook {
  private readonly fallback = memoryDecisions();

  private of(runtime: Runtime): PartialDecisions {
    return runtime.runs.decisions ?? this.fallback;
  }

  /** The kept decisions on `calls` that still match each call's input hash. */
  async decided(
    runtime: Runtime,
    runId: string,
    calls: readonly { callId: string; inputHash: string }[],
  ): Promise<DecisionMap> {
    if (calls.length === 0) return {};
    const stored = await this.of(runtime).get(
      runId,
      calls.map((call) => call.callId),
    );
    const found: DecisionMap = {};
    for (const call of calls) {
      const decision = stored[call.callId];
      if (decision && current(decision, call.inputHash)) found[call.callId] = decision;
    }
    return found;
  }

  keep(runtime: Runtime, runId: string, callId: string, decision: Decision): Promise<void> {
    return this.of(runtime).set(runId, callId, decision);
  }

  forget(runtime: Runtime, runId: string, callIds: readonly string[]): Promise<void> {
    return this.of(runtime).clear(runId, callIds);
  }
}
