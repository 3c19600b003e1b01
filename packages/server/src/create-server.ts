/**
 * `createServer(runtime, options)`: the HTTP API (and the console, when its build is given) as a Hono
 * app whose `fetch` any Node or Web server can mount. `listen` in `listen.ts` serves it on a port.
 */
import type { Logger, Redactor, Runtime, TriggerHandle } from '@agentry/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { ApiError, errorBody } from './api-error.js';
import { type ApiToken, type Role, TokenTable } from './auth.js';
import { ConsoleAssets } from './console-assets.js';
import { MetricsCollector } from './metrics.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { registerAgentRoutes, type ServedConfig } from './routes/agents.js';
import { registerApprovalRoutes } from './routes/approvals.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { type ApiApp, type ApiEnv, type RuntimeSource, ServerContext } from './server-context.js';

/** Options of `createServer`. */
export interface ServerOptions {
  /** Accepted bearer tokens. Without any, every caller is `admin`: serve on loopback only (`listen` enforces it). */
  tokens?: readonly ApiToken[];
  /** The console's static build directory (with `index.html`); without it, `/` answers 404. */
  consoleDir?: string;
  /** The config being served, for `GET /api/v1/agents/{id}` (redacted before it is shown). */
  config?: () => ServedConfig | undefined;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Origins allowed to call the API from a browser; CORS is off unless set. */
  corsOrigins?: readonly string[];
  /** Limit for requests without a valid token (per client address; default 300 a minute). */
  rateLimit?: RateLimitOptions;
  /** Take the client address from the first `X-Forwarded-For` hop (only behind a proxy you run). */
  trustProxy?: boolean;
  redactor?: Redactor;
  logger?: Logger;
  /**
   * Triggers started with `runtime.startTriggers()`: their webhook endpoints are served at
   * `POST /hooks/<path>`, authenticated by each trigger's signature (not by bearer tokens).
   */
  triggers?: TriggerHandle;
}

/** A server: its Hono app, a `fetch` to mount anywhere, and what `close` must wait for. */
export interface AgentryServer {
  readonly app: ApiApp;
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
  /** The OpenAPI 3.1 document served at `/openapi.json`. */
  openapi(): Record<string, unknown>;
  /** Waits for the runs this server started or resumed to stop at their next suspension or end. */
  settled(): Promise<void>;
}

/** The OpenAPI document's fixed parts. */
const DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Agentry API',
    version: '1',
    description:
      'Runs, their events, approvals across runs and agents of an Agentry runtime. Send `Authorization: Bearer <token>`; roles: viewer < approver < operator < admin.',
  },
} as const;

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Creates the API for a runtime (or a `RuntimeSource` whose runtime may change, as in `agentry dev`).
 *
 * @example
 * ```ts
 * const runtime = await createRuntime({ config: 'agentry.yaml' });
 * const server = createServer(runtime, { tokens: [{ role: 'admin', token: process.env.AGENTRY_ADMIN_TOKEN! }] });
 * http.createServer(getRequestListener(server.fetch)).listen(8080, '127.0.0.1');
 * ```
 */
export function createServer(runtime: Runtime | RuntimeSource, options: ServerOptions = {}): AgentryServer {
  const source: RuntimeSource = 'kind' in runtime ? { current: () => runtime } : runtime;
  const context = new ServerContext(source, options);
  const tokens = new TokenTable(options.tokens ?? []);
  const authMode = tokens.size > 0 ? 'token' : 'open';
  const limiter = new RateLimiter(options.rateLimit);
  const collector = new MetricsCollector();
  const assets = options.consoleDir ? new ConsoleAssets(options.consoleDir) : undefined;
  const redact = (text: string) => context.redactor.redactText(text);

  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(
          422,
          'request.invalid',
          `The request's ${result.target} is not valid.`,
          'See `issues`, and the OpenAPI document at /openapi.json.',
          result.error.issues.map((issue) => ({
            path: issue.path.join('.') || result.target,
            message: issue.message,
          })),
        );
      }
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.onError((error, c) => {
    const { status, body, logged } = errorBody(error, redact);
    if (logged) context.logger.error(`${c.req.method} ${c.req.path} failed: ${redact(String(error))}`);
    return c.json(body, status, error instanceof ApiError ? error.headers : {});
  });
  app.notFound((c) =>
    c.json({ error: { code: 'route.not_found', message: `No route ${c.req.method} ${c.req.path}` } }, 404),
  );

  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(
      '/api/*',
      cors({
        origin: [...options.corsOrigins],
        allowHeaders: ['authorization', 'content-type', 'last-event-id'],
      }),
    );
  }
  app.use('*', async (c, next) => {
    c.header('x-content-type-options', 'nosniff');
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? 1024 * 1024,
      onError: () => {
        throw new ApiError(
          413,
          'request.too_large',
          `The request body is over ${options.bodyLimitBytes ?? 1024 * 1024} bytes.`,
        );
      },
    }),
  );

  const throttle = (c: Context): void => {
    const wait = limiter.take(clientAddress(c, options.trustProxy === true));
    if (wait > 0) {
      const error = new ApiError(
        429,
        'auth.rate_limited',
        'Too many requests from this address.',
        `Retry in ${wait} s.`,
      );
      error.headers['retry-after'] = String(wait);
      throw error;
    }
  };
  const authenticate = async (c: Context<ApiEnv>, next: () => Promise<void>) => {
    collector.attach(context.runtime);
    if (authMode === 'open') {
      c.set('role', 'admin' satisfies Role);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1] ? tokens.match(match[1]) : undefined;
    if (!token) {
      throttle(c);
      throw new ApiError(
        401,
        'auth.required',
        header ? 'The bearer token is not one this server accepts.' : 'This needs a bearer token.',
        'Send `Authorization: Bearer <token>`; tokens come from AGENTRY_SERVER_TOKENS.',
      );
    }
    c.set('role', token.role);
    return next();
  };
  app.use('/api/*', authenticate);
  app.use('/metrics', authenticate);
  for (const open of ['/healthz', '/readyz', '/openapi.json']) {
    app.use(open, async (c, next) => {
      throttle(c);
      await next();
    });
  }

  registerRunRoutes(app, context);
  registerEventRoutes(app, context);
  registerApprovalRoutes(app, context);
  registerAgentRoutes(app, context, { ...(options.config ? { config: options.config } : {}), authMode });
  registerHealthRoutes(app, context, collector);
  if (options.triggers) {
    registerWebhookRoutes(app, options.triggers, throttle, options.bodyLimitBytes ?? 1024 * 1024);
  }

  const openapi = (): Record<string, unknown> =>
    app.getOpenAPI31Document({ ...DOCUMENT, info: { ...DOCUMENT.info } }) as unknown as Record<
      string,
      unknown
    >;
  app.get('/openapi.json', (c) => c.json(openapi()));

  app.get('*', async (c) => {
    if (c.req.path.startsWith('/api/')) return c.notFound();
    throttle(c);
    const response = assets ? await assets.respond(c.req.path) : undefined;
    return response ?? c.text('The console is not built: run `npm run build`.', 404);
  });

  return {
    app,
    fetch: (request, env) => app.fetch(request, env),
    openapi,
    settled: async () => {
      await Promise.all([...context.driving.values()]);
    },
  };
}
