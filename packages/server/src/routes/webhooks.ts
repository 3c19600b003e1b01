/**
 * `POST /hooks/<path>`: deliveries of webhook triggers. They authenticate by their HMAC signature (the
 * trigger's `signature`), not by the API's bearer tokens; the payload is checked against the trigger's
 * JSON Schema (ajv) after the signature, and the run is enqueued at once (`202 { runId }`).
 */
import type { JsonValue, PayloadIssue, TriggerHandle, WebhookEndpoint } from '@agentry/core';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Context } from 'hono';
import { ApiError } from '../api-error.js';
import type { ApiApp } from '../server-context.js';

/** The dotted path of an ajv error (`required` names the missing field). */
function issueOf(error: ErrorObject): PayloadIssue {
  const parts = error.instancePath.split('/').filter(Boolean);
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  if (missing !== undefined) parts.push(missing);
  return { path: parts.join('.') || '(root)', message: error.message ?? 'is not valid' };
}

/** Compiles each endpoint's schema once; a schema ajv refuses is reported when the server starts. */
function checkers(endpoints: readonly WebhookEndpoint[]) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const compiled = new Map<string, ValidateFunction>();
  for (const endpoint of endpoints) {
    if (!endpoint.schema) continue;
    try {
      compiled.set(endpoint.path, ajv.compile(endpoint.schema));
    } catch (error) {
      throw new Error(
        `The payload schema of webhook trigger ${endpoint.trigger} is not valid JSON Schema: ${String(error)}`,
      );
    }
  }
  return (path: string) => {
    const validate = compiled.get(path);
    if (!validate) return undefined;
    return (payload: JsonValue) => (validate(payload) ? [] : (validate.errors ?? []).map(issueOf));
  };
}

/** Mounts the webhook endpoints of `triggers`; `throttle` limits callers that fail the signature. */
export function registerWebhookRoutes(
  app: ApiApp,
  triggers: TriggerHandle,
  throttle: (c: Context) => void,
  bodyLimitBytes: number,
): void {
  const endpoints = triggers.webhooks();
  const checkFor = checkers(endpoints);
  const byPath = new Map(endpoints.map((endpoint) => [endpoint.path, endpoint]));
  app.post('/hooks/*', async (c) => {
    const path = c.req.path.slice('/hooks/'.length).replace(/\/+$/, '');
    const endpoint = byPath.get(path);
    if (!endpoint) {
      throttle(c);
      throw new ApiError(404, 'webhook.not_found', `No webhook trigger at /hooks/${path}.`);
    }
    const body = await c.req.text();
    if (Buffer.byteLength(body) > bodyLimitBytes) {
      throw new ApiError(413, 'request.too_large', `The request body is over ${bodyLimitBytes} bytes.`);
    }
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const reply = await endpoint.receive({ headers, body }, checkFor(path));
    if (reply.status === 401) throttle(c);
    return c.json(reply.body, reply.status);
  });
}
