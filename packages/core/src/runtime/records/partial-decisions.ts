/**
 * Decisions given for some of a suspended run's pending calls (namespace `decisions`, one entry per call,
 * key `<runId>/<callId>`), kept in the store until the last call is decided and the run continues. One
 * entry per call: two processes deciding different calls of a run at once never overwrite each other.
 */
import type { JsonValue } from '../../contracts/json.js';
import type { Decision } from '../../contracts/run.js';
import type { PartialDecisions } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';

/** Store namespace of decisions waiting for the rest of their run's decisions. */
export const DECISIONS_NAMESPACE = 'decisions';

const keyOf = (runId: string, callId: string): string => `${runId}/${callId}`;

/** `runtime.runs.decisions` over a store. */
export function storePartialDecisions(store: Store): PartialDecisions {
  return {
    async get(runId, callIds) {
      const values = await store.getMany<JsonValue>(
        DECISIONS_NAMESPACE,
        callIds.map((callId) => keyOf(runId, callId)),
      );
      const found: { [callId: string]: Decision } = {};
      callIds.forEach((callId, index) => {
        const value = values[index];
        if (value !== undefined && value !== null) found[callId] = value as unknown as Decision;
      });
      return found;
    },
    async set(runId, callId, decision) {
      await store.set(DECISIONS_NAMESPACE, keyOf(runId, callId), decision as unknown as JsonValue);
    },
    async clear(runId, callIds) {
      await Promise.all(callIds.map((callId) => store.delete(DECISIONS_NAMESPACE, keyOf(runId, callId))));
    },
  };
}
