/** The triggers of a `DefaultRuntime`: started with `startTriggers`, stopped on `close`. */
import type { JsonValue } from '../contracts/json.js';
import type { StartTriggersOptions, TriggerHandle, TriggerStatus } from '../contracts/triggers.js';
import type { TriggerHost } from '../triggers/trigger-host.js';

export interface RuntimeTriggers {
  start(options?: StartTriggersOptions): Promise<TriggerHandle>;
  publish(name: string, payload: JsonValue, id: string): Promise<void>;
  describe(): Promise<TriggerStatus[]>;
  stop(): Promise<void>;
}

/**
 * `host` is read when triggers start or an event is published (the runtime is fully built by then). The
 * trigger machinery (timers, webhooks, event subscriptions) is imported on first use: a runtime that never
 * starts triggers does not load it, which keeps `import('@agentry/core')` lean.
 */
export function runtimeTriggers(host: () => TriggerHost): RuntimeTriggers {
  const handles = new Set<TriggerHandle>();
  return {
    start: async (options) => {
      const { startTriggers } = await import('../triggers/start-triggers.js');
      const handle = await startTriggers(host(), options);
      handles.add(handle);
      return {
        started: handle.started,
        webhooks: () => handle.webhooks(),
        stop: async () => {
          handles.delete(handle);
          await handle.stop();
        },
      };
    },
    publish: async (name, payload, id) => {
      const { publishCustomEvent } = await import('../triggers/event-triggers.js');
      return publishCustomEvent(host(), name, payload, id);
    },
    describe: async () => {
      const { describeTriggers } = await import('../triggers/describe-triggers.js');
      return describeTriggers(host());
    },
    stop: async () => {
      await Promise.all([...handles].map((handle) => handle.stop()));
      handles.clear();
    },
  };
}
