/** Liveness, readiness (store, event bus, queue) and Prometheus metrics. */
import { createRoute, z } from '@hono/zod-openapi';
import type { MetricsCollector } from '../metrics.js';
import { GUARDED_ERRORS, guard, jsonResponse, RATE_LIMITED } from '../route-kit.js';
import { HealthSchema } from '../schemas.js';
import type { ApiApp, ServerContext } from '../server-context.js';

const tags = ['health'];

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags,
  summary: 'Liveness: the process answers',
  responses: { 200: jsonResponse(HealthSchema, 'Alive'), ...RATE_LIMITED },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags,
  summary: 'Readiness: the store, the event bus and the queue answer',
  responses: {
    200: jsonResponse(HealthSchema, 'Ready'),
    503: jsonResponse(HealthSchema, 'Something is unreachable'),
    ...RATE_LIMITED,
  },
});

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags,
  summary: 'Prometheus metrics (text format 0.0.4)',
  ...guard('viewer'),
  responses: {
    200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
    ...GUARDED_ERRORS,
  },
});

type Check = { ok: boolean; message?: string };

async function check(work: () => Promise<unknown>): Promise<Check> {
  try {
    await work();
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Optional abilities a bus or queue may have to prove it is reachable. */
type Pingable = { ping?: () => Promise<unknown> };

export function registerHealthRoutes(app: ApiApp, context: ServerContext, collector: MetricsCollector): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const, checks: {} }, 200));

  app.openapi(readyz, async (c) => {
    const runtime = context.runtime;
    const bus = runtime.events as typeof runtime.events & Pingable;
    const queue = (runtime as typeof runtime & { queue?: Pingable }).queue;
    const checks: Record<string, Check> = {
      store: await check(() => runtime.runs.get('readyz-probe')),
      events: await check(async () => {
        if (typeof bus.ping === 'function') await bus.ping();
      }),
      ...(queue ? { queue: await check(async () => queue.ping?.()) } : {}),
    };
    for (const entry of Object.values(checks))
      if (entry.message) entry.message = context.redactor.redactText(entry.message);
    const ok = Object.values(checks).every((entry) => entry.ok);
    return ok
      ? c.json({ status: 'ok' as const, checks }, 200)
      : c.json({ status: 'unavailable' as const, checks }, 503);
  });

  app.openapi(metrics, async (c) => {
    collector.attach(context.runtime);
    return c.text(await collector.render(context.runtime), 200, {
      'content-type': 'text/plain; version=0.0.4',
    });
  });
}
