/** Agents: the configured agents with their tools, one agent's resolved config (secrets redacted), and who the caller is. */
import type { AgentDescription } from '@agentry/core';
import { createRoute, type z } from '@hono/zod-openapi';
import { notFound } from '../api-error.js';
import { GUARDED_ERRORS, guard, jsonResponse, NOT_FOUND } from '../route-kit.js';
import {
  AgentDetailSchema,
  AgentIdParam,
  AgentListSchema,
  type AgentSchema,
  WhoAmISchema,
} from '../schemas.js';
import type { ApiApp, ServerContext } from '../server-context.js';

const tags = ['agents'];

const listAgents = createRoute({
  method: 'get',
  path: '/api/v1/agents',
  tags,
  summary: 'The configured agents and their tools',
  ...guard('viewer'),
  responses: { 200: jsonResponse(AgentListSchema, 'Agents'), ...GUARDED_ERRORS },
});

const getAgent = createRoute({
  method: 'get',
  path: '/api/v1/agents/{agentId}',
  tags,
  summary: 'One agent, its tools and its resolved config with secrets redacted',
  ...guard('viewer'),
  request: { params: AgentIdParam },
  responses: { 200: jsonResponse(AgentDetailSchema, 'The agent'), ...GUARDED_ERRORS, ...NOT_FOUND },
});

const whoAmI = createRoute({
  method: 'get',
  path: '/api/v1/me',
  tags: ['session'],
  summary: "The caller's role, and a config problem of the server if it has one",
  ...guard('viewer'),
  responses: { 200: jsonResponse(WhoAmISchema, 'Role and auth mode'), ...GUARDED_ERRORS },
});

type Agent = z.infer<typeof AgentSchema>;

/** The agent as the runtime describes it, redacted: a description may interpolate a secret. */
function describe(context: ServerContext, agentId: string): Agent {
  const description: AgentDescription = context.runtime.describeAgent?.(agentId) ?? {
    id: agentId,
    durable: false,
    budget: {},
    tools: [],
  };
  return context.redactor.redact(description) as Agent;
}

/** `config` as the server was given it: the whole file's `agents` map and `models`. */
export interface ServedConfig {
  agents?: { [agentId: string]: unknown };
  [key: string]: unknown;
}

export function registerAgentRoutes(
  app: ApiApp,
  context: ServerContext,
  options: { config?: () => ServedConfig | undefined; authMode: 'token' | 'open' },
): void {
  app.openapi(listAgents, (c) =>
    c.json({ agents: context.runtime.agents().map((agentId) => describe(context, agentId)) }, 200),
  );

  app.openapi(getAgent, (c) => {
    const { agentId } = c.req.valid('param');
    if (!context.runtime.agents().includes(agentId)) {
      throw notFound(
        'agent',
        agentId,
        `Configured agents: ${context.runtime.agents().join(', ') || 'none'}.`,
      );
    }
    const config = options.config?.()?.agents?.[agentId];
    const redacted =
      config === undefined ? undefined : (context.redactor.redact(config) as Record<string, unknown>);
    return c.json({ ...describe(context, agentId), ...(redacted ? { config: redacted } : {}) }, 200);
  });

  app.openapi(whoAmI, (c) => {
    const configError = context.configError();
    return c.json(
      {
        role: c.get('role'),
        auth: options.authMode,
        ...(configError ? { configError: context.redactor.redactText(configError) } : {}),
      },
      200,
    );
  });
}
