/** `runtime.describeTriggers()`: every configured trigger, what starts it, its next tick and its latest firings. */
import type { FiringRecord, TriggerStatus } from '../contracts/triggers.js';
import { nextTick } from './schedule.js';
import { checkedTriggers } from './start-triggers.js';
import { scheduleOf } from './timer-triggers.js';
import { type CheckedTrigger, FIRINGS_NAMESPACE, type TriggerHost } from './trigger-host.js';

function describeOn(config: CheckedTrigger): string {
  switch (config.type) {
    case 'cron':
      return `cron ${config.cron}${config.timezone ? ` (${config.timezone})` : ''}`;
    case 'interval':
      return `every ${config.every}`;
    case 'webhook':
      return `POST /hooks/${config.path}`;
    case 'event':
      return `event ${config.event}${config.from ? ` from ${config.from}` : ''}`;
  }
}

export async function describeTriggers(host: TriggerHost): Promise<TriggerStatus[]> {
  const statuses: TriggerStatus[] = [];
  for (const trigger of checkedTriggers(host, {})) {
    const { config } = trigger;
    const recent =
      ((await host.store.get(FIRINGS_NAMESPACE, trigger.key)) as FiringRecord[] | undefined) ?? [];
    const timed = config.type === 'cron' || config.type === 'interval';
    statuses.push({
      trigger: trigger.key,
      agent: trigger.agent,
      type: config.type,
      on: describeOn(config),
      ...(timed ? { nextTickAt: new Date(nextTick(scheduleOf(trigger), host.now())).toISOString() } : {}),
      recent,
    });
  }
  return statuses;
}
