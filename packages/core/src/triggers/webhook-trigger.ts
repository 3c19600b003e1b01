/**
 * Webhook triggers: a delivery is checked (HMAC signature first, then JSON, then the payload's schema),
 * de-duplicated by its idempotency key (a redelivery starts nothing and gets the first run's id), and its
 * run is enqueued at once: the reply is `202 { runId }` before the run starts.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '../contracts/json.js';
import type { PayloadIssue, WebhookDelivery, WebhookEndpoint, WebhookReply } from '../contracts/triggers.js';
import { fire, skip } from './fire.js';
import { signatureProblem } from './signature.js';
import { lookup } from './template.js';
import type { BoundTrigger, TriggerHost } from './trigger-host.js';

/** How long an idempotency key is remembered. */
const KEY_TTL_MS = 7 * 24 * 3_600_000;

function failure(status: WebhookReply['status'], code: string, message: string, issues?: PayloadIssue[]) {
  return {
    status,
    body: { error: { code, message, ...(issues ? { issues: issues.map((issue) => ({ ...issue })) } : {}) } },
  } satisfies WebhookReply;
}

/** The endpoint of one webhook trigger; `secret` is the signing secret (read from its env var at start). */
export function webhookEndpoint(
  host: TriggerHost,
  trigger: BoundTrigger,
  secret: string | undefined,
): WebhookEndpoint {
  const config = trigger.config;
  if (config.type !== 'webhook') throw new Error('not a webhook trigger');
  return {
    path: config.path,
    trigger: trigger.key,
    ...(config.schema ? { schema: config.schema as JsonObject } : {}),
    receive: async (delivery, check) => {
      if (config.signature) {
        const problem = secret
          ? signatureProblem({ ...config.signature, secret }, delivery.headers, delivery.body, host.now())
          : `the signing secret (env ${config.signature.secretEnv}) is not set`;
        if (problem) return failure(401, 'webhook.signature_invalid', `Signature refused: ${problem}.`);
      }
      let payload: JsonValue;
      try {
        payload = JSON.parse(delivery.body === '' ? 'null' : delivery.body) as JsonValue;
      } catch {
        return failure(400, 'webhook.body_invalid', 'The body is not JSON.');
      }
      const issues = [...(config.validate?.(payload) ?? []), ...(check?.(payload) ?? [])];
      if (issues.length > 0) {
        const first = issues[0];
        const message = `The payload does not match the trigger's schema: ${first?.path || '(root)'} ${first?.message}.`;
        return failure(422, 'webhook.payload_invalid', message, issues);
      }
      const key = idempotencyKey(config.idempotencyKey, delivery, payload);
      if (key === null) {
        const where =
          config.idempotencyKey && 'header' in config.idempotencyKey
            ? `header ${config.idempotencyKey.header}`
            : `field ${config.idempotencyKey && 'field' in config.idempotencyKey ? config.idempotencyKey.field : ''}`;
        return failure(400, 'webhook.key_missing', `The delivery has no idempotency key (${where}).`);
      }
      if (key === undefined) {
        const outcome = await fire(host, trigger, { payload });
        return outcome.fired
          ? { status: 202, body: { runId: outcome.runId } }
          : skippedReply(outcome.message);
      }
      const digest = createHash('sha256').update(`${trigger.key}\0${key}`).digest('hex').slice(0, 32);
      const runId = `run_wh_${digest}`;
      const lease = await host.store.acquireLease(
        `trigger-webhook:${trigger.key}:${digest}`,
        // An owner per delivery: a store lets an owner take its own lease again.
        `${host.owner}:${randomUUID()}`,
        KEY_TTL_MS,
      );
      if (!lease) {
        await skip(host, trigger, payload, 'duplicate', `delivery ${key} was received before`, runId);
        return { status: 200, body: { runId, duplicate: true } };
      }
      try {
        const outcome = await fire(host, trigger, { payload, runId });
        if (outcome.fired) return { status: 202, body: { runId: outcome.runId } };
        await host.store.releaseLease(lease);
        return skippedReply(outcome.message);
      } catch (error) {
        await host.store.releaseLease(lease);
        throw error;
      }
    },
  };
}

function skippedReply(message: string): WebhookReply {
  return failure(422, 'webhook.skipped', `No run was started: ${message}.`);
}

/** The delivery's idempotency key: `undefined` when none is configured, `null` when configured but absent. */
function idempotencyKey(
  source: { header: string } | { field: string } | undefined,
  delivery: WebhookDelivery,
  payload: JsonValue,
): string | null | undefined {
  if (!source) return undefined;
  const value =
    'header' in source ? delivery.headers[source.header.toLowerCase()] : lookup(payload, source.field);
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
