/** `runtime.startTriggers()`: starts the configured triggers of a runtime in this process. */

import { z } from 'zod';
import type { ScheduleHandle } from '../contracts/queue.js';
import type { StartTriggersOptions, TriggerHandle, WebhookEndpoint } from '../contracts/triggers.js';
import { RunError } from '../errors/agentry-error.js';
import { startEventTrigger } from './event-triggers.js';
import { startTimerTrigger } from './timer-triggers.js';
import type { BoundTrigger, CheckedTrigger, TriggerDefinition, TriggerHost } from './trigger-host.js';
import { triggerSchema } from './trigger-schema.js';
import { webhookEndpoint } from './webhook-trigger.js';

/** A trigger checked by the config schema (defaults applied); code-defined ones are checked here. */
function checked(agent: string, definition: TriggerDefinition): CheckedTrigger {
  const { validate, ...fields } = definition;
  const result = triggerSchema().safeParse(fields);
  if (!result.success) {
    throw invalid(
      `Trigger ${agent}.${String(fields.id)} is not valid: ${z.prettifyError(result.error)}`,
      'Fix the trigger (the config reference lists every field).',
      `${agent}.${String(fields.id)}`,
    );
  }
  return validate ? { ...result.data, validate } : result.data;
}

/** Every trigger of the host's agents (those `options` select), bound to its agent. */
export function checkedTriggers(host: TriggerHost, options: StartTriggersOptions): BoundTrigger[] {
  return Object.entries(host.agents)
    .filter(([agent]) => options.agents === undefined || options.agents.includes(agent))
    .flatMap(([agent, definition]) =>
      (definition.triggers ?? []).map((trigger) => ({
        agent,
        key: `${agent}.${trigger.id}`,
        config: checked(agent, trigger),
      })),
    )
    .filter((trigger) => options.types === undefined || options.types.includes(trigger.config.type));
}

function invalid(message: string, hint: string, trigger: string): RunError {
  return new RunError('trigger.invalid', { message, hint, context: { path: trigger } });
}

/** Webhook endpoints of `triggers`, with their secrets; throws when two share a path or a secret is unset. */
function endpoints(
  host: TriggerHost,
  triggers: BoundTrigger[],
  env: StartTriggersOptions['env'],
): WebhookEndpoint[] {
  const byPath = new Map<string, WebhookEndpoint>();
  for (const trigger of triggers) {
    const config = trigger.config;
    if (config.type !== 'webhook') continue;
    const other = byPath.get(config.path);
    if (other) {
      throw invalid(
        `Webhook triggers ${other.trigger} and ${trigger.key} both use path ${config.path}`,
        'Give each webhook trigger its own path.',
        trigger.key,
      );
    }
    const secret = config.signature ? (env ?? process.env)[config.signature.secretEnv] : undefined;
    if (config.signature && !secret) {
      throw invalid(
        `Webhook trigger ${trigger.key} verifies signatures with env ${config.signature.secretEnv}, which is not set`,
        `Set ${config.signature.secretEnv} to the signing secret the sender uses.`,
        trigger.key,
      );
    }
    byPath.set(config.path, webhookEndpoint(host, trigger, secret));
  }
  return [...byPath.values()];
}

/**
 * Starts triggers: cron and interval on the queue's schedules, event triggers on the bus, and webhook
 * endpoints for a server to mount. Throws `trigger.invalid` before starting anything when the webhooks clash.
 */
export async function startTriggers(
  host: TriggerHost,
  options: StartTriggersOptions = {},
): Promise<TriggerHandle> {
  const triggers = checkedTriggers(host, options);
  const webhooks = endpoints(host, triggers, options.env);
  const stops: (() => Promise<void>)[] = [];
  try {
    for (const trigger of triggers) {
      if (trigger.config.type === 'event') stops.push(startEventTrigger(host, trigger));
      if (trigger.config.type === 'cron' || trigger.config.type === 'interval') {
        const handle: ScheduleHandle = await startTimerTrigger(host, trigger);
        stops.push(() => handle.stop());
      }
    }
  } catch (error) {
    await Promise.allSettled(stops.map((stop) => stop()));
    throw error;
  }
  if (triggers.length > 0)
    host.logger.info(`triggers started: ${triggers.map((trigger) => trigger.key).join(', ')}`);
  let stopped: Promise<void> | undefined;
  return {
    started: triggers.map((trigger) => trigger.key),
    webhooks: () => webhooks,
    stop: () => {
      stopped ??= Promise.allSettled(stops.map((stop) => stop())).then(() => undefined);
      return stopped;
    },
  };
}
