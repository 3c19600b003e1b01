/** What triggers need from a runtime, the stored state of a trigger, and the events they publish. */
import { createHash } from 'node:crypto';
import type { EventBus } from '../contracts/event-bus.js';
import type { EventMap } from '../contracts/events.js';
import type { JsonValue } from '../contracts/json.js';
import type { Queue } from '../contracts/queue.js';
import type { EnqueueRequest, RunRecord } from '../contracts/run.js';
import type { Logger } from '../contracts/services.js';
import type { Store } from '../contracts/store.js';
import type { FiringRecord, PayloadIssue } from '../contracts/triggers.js';
import type { TriggerConfig, TriggerInput } from './trigger-schema.js';

/** A trigger as the runtime gets it: the config entry, plus (in code) a payload check such as a zod schema's. */
export type TriggerDefinition = TriggerInput & {
  /** Checks a webhook payload (after its signature); issues → 422. Runs before `schema`. */
  validate?: (payload: unknown) => readonly PayloadIssue[];
};

/** A trigger checked and with its defaults applied. */
export type CheckedTrigger = TriggerConfig & Pick<TriggerDefinition, 'validate'>;

/** The runtime side of triggers. */
export interface TriggerHost {
  readonly agents: { readonly [agentId: string]: { readonly triggers?: readonly TriggerDefinition[] } };
  readonly store: Store;
  readonly bus: EventBus;
  readonly queue: Queue;
  readonly logger: Logger;
  /** This process's name (leases). */
  readonly owner: string;
  enqueue(request: EnqueueRequest): Promise<{ runId: string }>;
  record(runId: string): Promise<RunRecord | undefined>;
  now(): number;
}

/** A trigger bound to its agent. */
export interface BoundTrigger {
  agent: string;
  /** `<agent>.<id>`: how events and stored state name it. */
  key: string;
  config: CheckedTrigger;
}

/** Stored per trigger (namespace `triggers`, key `<agent>.<id>`). */
export type TriggerState = {
  /** The last tick handled (fired or skipped), epoch ms: after downtime, ticks after it were missed. */
  lastTickAt?: number;
  /** The run the last firing started. */
  lastRunId?: string;
};

export const STATE_NAMESPACE = 'triggers';
/** The latest firings of each trigger (namespace `trigger-firings`, key `<agent>.<id>`), newest first. */
export const FIRINGS_NAMESPACE = 'trigger-firings';
/** How many firings are kept per trigger. */
export const FIRINGS_KEPT = 20;

/** Keeps a firing in the trigger's recent history (what `agentry triggers` shows). */
async function recordFiring(host: TriggerHost, key: string, firing: FiringRecord): Promise<void> {
  const recent = ((await host.store.get(FIRINGS_NAMESPACE, key)) as FiringRecord[] | undefined) ?? [];
  const kept = [firing, ...recent].slice(0, FIRINGS_KEPT);
  await host.store.set(FIRINGS_NAMESPACE, key, kept as unknown as JsonValue);
}

export async function readState(host: TriggerHost, key: string): Promise<TriggerState> {
  return ((await host.store.get(STATE_NAMESPACE, key)) as TriggerState | undefined) ?? {};
}

export async function writeState(host: TriggerHost, key: string, patch: TriggerState): Promise<void> {
  const current = await readState(host, key);
  const next: { [key: string]: JsonValue } = {};
  for (const [name, value] of Object.entries({ ...current, ...patch }))
    if (value !== undefined) next[name] = value;
  await host.store.set(STATE_NAMESPACE, key, next);
}

/** SHA-256 (hex) of a payload's JSON text. */
export function digestOf(payload: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(payload) ?? 'undefined')
    .digest('hex');
}

/** Publishes `trigger.fired` / `trigger.skipped` on the bus (seq 0: not part of any run's stored log). */
export async function publishTriggerEvent<T extends 'trigger.fired' | 'trigger.skipped'>(
  host: TriggerHost,
  trigger: BoundTrigger,
  type: T,
  data: EventMap[T],
): Promise<void> {
  const runId =
    type === 'trigger.fired' ? (data as EventMap['trigger.fired']).runId : `trigger:${trigger.key}`;
  const time = new Date(host.now()).toISOString();
  await recordFiring(host, trigger.key, { at: time, event: type, ...data });
  await host.bus.publish({
    type,
    runId,
    sessionId: runId,
    agentId: trigger.agent,
    seq: 0,
    time,
    data,
  } as Parameters<EventBus['publish']>[0]);
}

/** True for a run that has not stopped yet. */
export function isActive(record: RunRecord | undefined): boolean {
  return record !== undefined && (record.status === 'queued' || record.status === 'running');
}

/**
 * Claims `name` once across every process sharing the store (a store lease held for `ttlMs`): true for the
 * first claim, false when someone claimed it before.
 */
export async function claimOnce(host: TriggerHost, name: string, ttlMs: number): Promise<boolean> {
  const owner = `${host.owner}:${Math.random().toString(36).slice(2)}`;
  return (await host.store.acquireLease(name, owner, ttlMs)) !== undefined;
}
