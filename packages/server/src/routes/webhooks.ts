/**
 * `POST /hooks/<path>`: deliveries of webhook triggers. They authenticate by their HMAC signature (the
 * trigger's `signature`), not by the API's bearer tokens; the payload is checked against the trigger's
 * JSON Schema (ajv) after the signature, and the run is enqueued at once (`202 { runId }`).
 */
import type { JsonValue, PayloadIssue, TriggerHandle, WebhookEndpoint } from '@agentry/core';
import { z } from '@hono/zod-openapi';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Context } from 'hono';
import { ApiError } from '../api-error.js';
import { jsonResponse, RATE_LIMITED } from '../route-kit.js';
import { ErrorSchema, WebhookAcceptedSchema } from '../schemas.js';
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

const failure = (description: string) => jsonResponse(ErrorSchema, description);

/**
 * Adds one webhook endpoint to the OpenAPI document: `POST /hooks/<path>` with the trigger's payload
 * schema. `template` documents them all as `/hooks/{path}` (the reference page, made without a config).
 */
export function documentWebhook(
  app: ApiApp,
  endpoint: Pick<WebhookEndpoint, 'path' | 'trigger' | 'schema'>,
  template = false,
): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: template ? '/hooks/{path}' : `/hooks/${endpoint.path}`,
    tags: ['webhooks'],
    summary: template
      ? 'A delivery of a webhook trigger: one path per trigger (`path` in its config); /openapi.json of a server lists each'
      : `A delivery of webhook trigger \`${endpoint.trigger}\`: starts its run`,
    description:
      "No bearer token: authenticated by the trigger's `signature` (an HMAC of the raw body, in the header its `format` names), not by bearer tokens. The body is checked against the trigger's `schema`, then the run is enqueued.",
    'x-agentry-trigger': endpoint.trigger,
    request: {
      ...(template
        ? {
            params: z.object({
              path: z.string().openapi({
                param: { name: 'path', in: 'path' },
                description: "The trigger's `path`",
                example: 'github/push',
              }),
            }),
          }
        : {}),
      body: {
        required: true,
        description: "The payload (JSON); the trigger's `input` template reads it as `payload`",
        content: { 'application/json': { schema: (endpoint.schema ?? {}) as Record<string, unknown> } },
      },
    },
    responses: {
      202: jsonResponse(WebhookAcceptedSchema, 'The run was enqueued'),
      200: jsonResponse(
        WebhookAcceptedSchema,
        'A redelivery (same idempotency key): nothing started, `runId` is the first run',
      ),
      400: failure('The body is not JSON (`webhook.body_invalid`), or its idempotency key is missing'),
      401: failure('The signature is missing, wrong or too old (`webhook.signature_invalid`)'),
      404: failure('No webhook trigger at this path'),
      413: failure('The body is over the size limit'),
      422: failure(
        "The payload does not match the trigger's schema (`webhook.payload_invalid`, `issues` name the fields), or the trigger skipped it (`webhook.skipped`)",
      ),
      ...RATE_LIMITED,
    },
  });
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
  for (const endpoint of endpoints) documentWebhook(app, endpoint);
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
