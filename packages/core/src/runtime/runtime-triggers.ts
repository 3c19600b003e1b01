/** The triggers of a `DefaultRuntime`: started with `startTriggers`, stopped on `close`. */
import type { JsonValue } from '../contracts/json.js';
import type { Runtime } from '../contracts/runtime.js';
import type { StartTriggersOptions, TriggerHandle } from '../contracts/triggers.js';
import { publishCustomEvent } from '../triggers/event-triggers.js';
import { startTriggers } from '../triggers/start-triggers.js';
import type { TriggerHost } from '../triggers/trigger-host.js';
import type { QueueHost } from './queue/queued-runs.js';
import type { DefaultRuntimeSetup } from './runtime-setup.js';

/** What the runtime hands over (read when triggers start, so its queue host is complete). */
export type TriggerParts = QueueHost & { setup: DefaultRuntimeSetup; runtime: Pick<Runtime, 'enqueue'> };

export interface RuntimeTriggers {
  start(options?: StartTriggersOptions): Promise<TriggerHandle>;
  publish(name: string, payload: JsonValue, id: string): Promise<void>;
  stop(): Promise<void>;
}

export function runtimeTriggers(parts: () => TriggerParts): RuntimeTriggers {
  const handles = new Set<TriggerHandle>();
  const host = (): TriggerHost => {
    const current = parts();
    return {
      agents: current.setup.agents,
      store: current.store,
      bus: current.bus,
      queue: current.queue,
      logger: current.logger,
      owner: current.workerId,
      enqueue: (request) => current.runtime.enqueue(request),
      record: (runId) => current.records.get(runId),
      now: () => Date.parse(current.now()),
    };
  };
  return {
    start: async (options) => {
      const handle = await startTriggers(host(), options);
      handles.add(handle);
      return {
        ...handle,
        webhooks: () => handle.webhooks(),
        stop: async () => {
          handles.delete(handle);
          await handle.stop();
        },
      };
    },
    publish: (name, payload, id) => publishCustomEvent(host(), name, payload, id),
    stop: async () => {
      await Promise.all([...handles].map((handle) => handle.stop()));
      handles.clear();
    },
  };
}
