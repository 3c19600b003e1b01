/** Triggers as callers see them: `runtime.startTriggers()` and the webhook endpoints a server mounts. */
import type { JsonObject, JsonValue } from './json.js';

/** The kinds of trigger (`agents.<id>.triggers[].type`). */
export type TriggerType = 'cron' | 'interval' | 'webhook' | 'event';

/** A problem with a payload: the dotted path of the bad field and what is wrong. */
export interface PayloadIssue {
  path: string;
  message: string;
}

/** One webhook delivery: header names lower-case, the raw body as received (signatures cover its bytes). */
export interface WebhookDelivery {
  headers: { readonly [name: string]: string | undefined };
  body: string;
}

/** What to answer a webhook's sender. */
export interface WebhookReply {
  status: 200 | 202 | 400 | 401 | 422;
  body: JsonObject;
}

/** A webhook trigger, as a server mounts it (`POST /hooks/<path>`). */
export interface WebhookEndpoint {
  readonly path: string;
  /** `<agent>.<id>`. */
  readonly trigger: string;
  /** The payload's JSON Schema from the config, for the server to compile. */
  readonly schema?: JsonObject;
  /**
   * Handles one delivery: signature (401), JSON (400), payload check (422, with the bad field's path),
   * idempotency key (a redelivery: 200 with the first `runId`), then enqueues the run: 202 `{ runId }`.
   * `check` validates the parsed payload (the server's compiled `schema`).
   */
  receive(
    delivery: WebhookDelivery,
    check?: (payload: JsonValue) => readonly PayloadIssue[],
  ): Promise<WebhookReply>;
}

/** Options of `runtime.startTriggers`. */
export interface StartTriggersOptions {
  /** Kinds to start (default: all). `agentry worker` starts cron, interval and event triggers. */
  types?: readonly TriggerType[];
  /** Only triggers of these agents (default: all). */
  agents?: readonly string[];
  /** Where webhook signing secrets are read (default `process.env`). */
  env?: { readonly [name: string]: string | undefined };
}

/** One firing of a trigger as stored: the `trigger.fired` / `trigger.skipped` data and its time. */
export interface FiringRecord {
  at: string;
  event: 'trigger.fired' | 'trigger.skipped';
  trigger: string;
  type: string;
  payloadDigest: string;
  runId?: string;
  reason?: string;
  message?: string;
}

/** A configured trigger and what it did lately (`runtime.describeTriggers()`, `agentry triggers`). */
export interface TriggerStatus {
  /** `<agent>.<id>`. */
  trigger: string;
  agent: string;
  type: TriggerType;
  /** What starts it: `cron 0 9 * * * (Europe/Berlin)`, `every 30s`, `POST /hooks/github/push`, `event run.completed from writer`. */
  on: string;
  /** Cron and interval: the next tick (ISO time). */
  nextTickAt?: string;
  /** The latest firings, newest first (up to 20). */
  recent: FiringRecord[];
}

/** Triggers running in this process. */
export interface TriggerHandle {
  /** `<agent>.<id>` of each trigger started. */
  readonly started: readonly string[];
  /** The webhook endpoints (mount them with `createServer(runtime, { triggers })`). */
  webhooks(): readonly WebhookEndpoint[];
  /** Stops timers and subscriptions here; waits for firings in flight. Shared schedules stay for other processes. */
  stop(): Promise<void>;
}
