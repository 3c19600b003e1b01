/** A firing of any trigger: fill the templates, enqueue the run, record `trigger.fired` (or why it was skipped). */
import type { JsonValue } from '../contracts/json.js';
import { parseEvery } from './schedule.js';
import { compileTemplate, TemplateError } from './template.js';
import {
  type BoundTrigger,
  digestOf,
  publishTriggerEvent,
  type TriggerHost,
  writeState,
} from './trigger-host.js';

/** One firing: its payload, and for ticks when it was due. */
export interface Firing {
  payload: JsonValue;
  /** When the firing was due (a tick's scheduled time); the deadline counts from it. Default: now. */
  dueAt?: number;
  /** The run id to use (a webhook delivery's or an event's, so a second firing of it finds the first). */
  runId?: string;
}

export type FireOutcome =
  | { fired: true; runId: string }
  | { fired: false; reason: 'overlap' | 'misfire' | 'duplicate' | 'deadline' | 'invalid'; message: string };

/** Publishes `trigger.skipped` and returns the outcome. */
export async function skip(
  host: TriggerHost,
  trigger: BoundTrigger,
  payload: JsonValue,
  reason: Extract<FireOutcome, { fired: false }>['reason'],
  message: string,
  runId?: string,
): Promise<FireOutcome> {
  await publishTriggerEvent(host, trigger, 'trigger.skipped', {
    trigger: trigger.key,
    type: trigger.config.type,
    reason,
    message,
    payloadDigest: digestOf(payload),
    ...(runId === undefined ? {} : { runId }),
  });
  host.logger.info(`trigger ${trigger.key} skipped (${reason}): ${message}`);
  return { fired: false, reason, message };
}

/** Starts the trigger's run for `firing` through `runtime.enqueue`. */
export async function fire(host: TriggerHost, trigger: BoundTrigger, firing: Firing): Promise<FireOutcome> {
  const { config } = trigger;
  const now = host.now();
  const firedAt = new Date(now).toISOString();
  const deadlineMs = config.deadline === undefined ? undefined : parseEvery(config.deadline);
  const deadline = deadlineMs === undefined ? undefined : (firing.dueAt ?? now) + deadlineMs;
  if (deadline !== undefined && deadline <= now) {
    const message = `the firing due at ${new Date(firing.dueAt ?? now).toISOString()} is past its deadline`;
    return skip(host, trigger, firing.payload, 'deadline', message);
  }
  const context = {
    payload: firing.payload,
    trigger: { id: config.id, agent: trigger.agent, type: config.type },
    firedAt,
  };
  let input: string;
  let sessionId: string | undefined;
  try {
    input = compileTemplate(config.input).render(context);
    sessionId = config.session === undefined ? undefined : compileTemplate(config.session).render(context);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return skip(host, trigger, firing.payload, 'invalid', error.message);
  }
  const payloadDigest = digestOf(firing.payload);
  const { runId } = await host.enqueue({
    agent: trigger.agent,
    input,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(firing.runId === undefined ? {} : { runId: firing.runId }),
    ...(deadline === undefined ? {} : { deadline }),
    metadata: { trigger: { id: config.id, key: trigger.key, type: config.type, payloadDigest, firedAt } },
  });
  await writeState(host, trigger.key, { lastRunId: runId });
  await publishTriggerEvent(host, trigger, 'trigger.fired', {
    trigger: trigger.key,
    type: config.type,
    payloadDigest,
    runId,
  });
  return { fired: true, runId };
}
