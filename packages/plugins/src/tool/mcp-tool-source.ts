/** `mcp` tool source: connects to an MCP server and exposes each server tool as its own Agentry tool. */
import {
  type ApprovalRule,
  type Closeable,
  ConfigError,
  definePlugin,
  isAgentryError,
  type JsonObject,
  type JsonValue,
  type PluginDeps,
  type SideEffects,
  type Tool,
  type ToolContext,
  ToolError,
} from '@agentry/core';
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { acquireConnection, type McpConnection, type McpServerConfig } from './mcp-connection.js';
import { mcpAuthConfigSchema, StoreOAuthProvider } from './mcp-oauth.js';

export {
  loginMcpServer,
  type McpLoginOptions,
  type McpLoginOutcome,
  type McpLoginTarget,
} from './mcp-login.js';
export { type McpAuthConfig, mcpAuthConfigSchema, StoreOAuthProvider } from './mcp-oauth.js';

import { abortedError, asTool, commonToolConfig, throwIfAborted } from './tool-support.js';

const SECRET_NAME = /key|token|secret|password|auth|cookie/i;

const configSchema = z
  .object({
    approval: commonToolConfig.approval.describe(
      'Approval of every server tool; default: `never` for tools the server marks read-only, else `always`.',
    ),
    server: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]+$/)
      .optional()
      .describe('Name of the server in errors and logs (default: the command or the URL host).'),
    command: z.string().min(1).optional().describe('stdio server: the program to start.'),
    args: z.array(z.string()).default([]).describe('stdio server: its arguments.'),
    env: z.record(z.string(), z.string()).default({}).describe('stdio server: extra environment variables.'),
    cwd: z.string().optional().describe('stdio server: working directory, relative to the config file.'),
    url: z.string().url().optional().describe('Streamable HTTP server: its endpoint URL.'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Streamable HTTP server: request headers.'),
    auth: mcpAuthConfigSchema
      .optional()
      .describe(
        'Streamable HTTP server behind OAuth: how Agentry gets its token (kept in the store, redacted everywhere).',
      ),
    elicitation: z
      .enum(['decline', 'defaults'])
      .default('decline')
      .describe(
        'When the server asks for input mid-call: decline (nobody is there to answer), or defaults (accept the defaults of its form).',
      ),
    prefix: z
      .string()
      .regex(/^[a-zA-Z0-9_-]*$/)
      .default('')
      .describe('Prepended to every tool name, e.g. "github_".'),
    tools: z.array(z.string()).optional().describe('Only expose these server tools (default: all of them).'),
    sideEffects: z
      .enum(['none', 'idempotent', 'unsafe'])
      .optional()
      .describe(
        'Side-effect class of every tool; default from the server hints (read-only → none, else unsafe).',
      ),
    requestTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Time limit of one server request.'),
  })
  .superRefine((config, context) => {
    if ((config.command === undefined) === (config.url === undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'set exactly one of `command` (stdio server) or `url` (streamable HTTP server)',
        path: config.command === undefined ? ['command'] : ['url'],
      });
    }
    if (config.auth !== undefined && config.url === undefined) {
      context.addIssue({
        code: 'custom',
        message: '`auth` applies to a streamable HTTP server (`url`)',
        path: ['auth'],
      });
    }
  });

/** Config of `mcp`. */
export type McpToolSourceConfig = z.output<typeof configSchema>;

function toolName(prefix: string, name: string): string {
  return `${prefix}${name}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}

function inputSchemaOf(tool: McpTool): z.ZodType<Record<string, unknown>> {
  const permissive = z.record(z.string(), z.unknown());
  try {
    // The converted schema validates like the server would, and `z.toJSONSchema` of it stays close to the
    // original; `inputJsonSchema` carries the original itself for runtimes that prefer it.
    return z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType<
      Record<string, unknown>
    >;
  } catch {
    return permissive;
  }
}

function outputOf(result: CallToolResult): JsonValue {
  if (result.structuredContent !== undefined) return result.structuredContent as JsonObject;
  const content = result.content ?? [];
  if (content.every((item) => item.type === 'text')) {
    return content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
  }
  return JSON.parse(JSON.stringify(content)) as JsonValue;
}

/** One server tool as an Agentry tool; the model sees the server's own JSON Schema (`inputJsonSchema`). */
export class McpServerTool implements Tool<Record<string, unknown>, JsonValue> {
  readonly kind = 'tool' as const;
  readonly specVersion = 1 as const;
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<Record<string, unknown>>;
  readonly inputJsonSchema: JsonObject;
  readonly sideEffects: SideEffects;
  readonly approval: ApprovalRule<Record<string, unknown>>;

  constructor(
    private readonly source: McpToolSource,
    private readonly remote: McpTool,
    config: McpToolSourceConfig,
  ) {
    this.name = toolName(config.prefix, remote.name);
    this.description =
      remote.description ?? remote.title ?? `Tool "${remote.name}" of MCP server ${source.server}`;
    this.input = inputSchemaOf(remote);
    this.inputJsonSchema = JSON.parse(JSON.stringify(remote.inputSchema)) as JsonObject;
    const readOnly = remote.annotations?.readOnlyHint === true;
    const idempotent = remote.annotations?.idempotentHint === true;
    this.sideEffects = config.sideEffects ?? (readOnly ? 'none' : idempotent ? 'idempotent' : 'unsafe');
    this.approval = config.approval ?? (readOnly ? 'never' : 'always');
  }

  async execute(input: Record<string, unknown>, context: ToolContext): Promise<JsonValue> {
    throwIfAborted(context.signal, this.name);
    let result: CallToolResult;
    try {
      result = await this.source.connection.call(this.remote.name, input, context.signal);
    } catch (error) {
      if (context.signal.aborted) throw abortedError(context.signal, this.name);
      if (isAgentryError(error)) {
        (error.context as { tool?: string }).tool = this.name;
      }
      throw error;
    }
    if (result.isError) {
      const text = (result.content ?? []).map((item) =>
        item.type === 'text' ? item.text : `[${item.type}]`,
      );
      throw new ToolError('tool.failed', {
        message: `${this.name} (MCP server "${this.source.server}"): ${text.join('\n') || 'the tool reported an error'}`,
        hint: 'Read the message; fix the arguments or try something else.',
        context: { tool: this.name },
      });
    }
    return outputOf(result);
  }

  /** Releases the source's connection (idempotent; shared by every tool of the source). */
  close(): Promise<void> {
    return this.source.close();
  }
}

/**
 * Connects at `create` and returns one tool per server tool (filtered by `tools`). Connections are pooled
 * per runtime; `close()` (on the source, the returned array or any of its tools) releases it once.
 */
export class McpToolSource implements Closeable {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'mcp',
    description:
      'Exposes the tools of an MCP server (stdio or streamable HTTP), one Agentry tool per server tool',
    configSchema,
    create: async (config: McpToolSourceConfig, deps: PluginDeps) => {
      const source = await McpToolSource.connect(config, deps);
      return Object.defineProperty(source.tools.map(asTool), 'close', {
        value: () => source.close(),
        enumerable: false,
      });
    },
  });

  /** Tools of this source, in server order. */
  readonly tools: McpServerTool[];
  private closing: Promise<void> | undefined;

  private constructor(
    readonly server: string,
    readonly connection: McpConnection,
    private readonly release: () => Promise<void>,
    config: McpToolSourceConfig,
  ) {
    const offered = new Map(connection.tools.map((tool) => [tool.name, tool]));
    const wanted = config.tools ?? [...offered.keys()];
    const missing = wanted.filter((name) => !offered.has(name));
    if (missing.length > 0) {
      throw new ConfigError('config.invalid', {
        message: `MCP server "${server}" has no tool named ${missing.map((name) => `"${name}"`).join(', ')}`,
        hint: `It offers: ${[...offered.keys()].join(', ') || '(no tools)'}. Fix \`tools\`.`,
        context: { plugin: 'mcp' },
      });
    }
    this.tools = wanted.map((name) => new McpServerTool(this, offered.get(name)!, config));
  }

  /** Connects (or joins a pooled connection) and lists the server's tools. */
  static async connect(config: McpToolSourceConfig, deps: PluginDeps): Promise<McpToolSource> {
    const transport: McpServerConfig =
      config.url !== undefined
        ? { url: config.url, headers: config.headers, auth: config.auth }
        : { command: config.command!, args: config.args, env: config.env, cwd: config.cwd };
    for (const [name, value] of [...Object.entries(config.headers), ...Object.entries(config.env)]) {
      if (SECRET_NAME.test(name) && value.length > 0) deps.redactor.addSecret(value);
    }
    const server = config.server ?? (config.url !== undefined ? new URL(config.url).host : config.command!);
    let scope: object = deps;
    try {
      scope = deps.store();
    } catch {
      // no store yet: pool per deps object
    }
    const authProvider =
      config.auth === undefined || config.url === undefined
        ? undefined
        : new StoreOAuthProvider({
            server,
            url: config.url,
            auth: config.auth,
            store: deps.store(),
            redactor: deps.redactor,
          });
    const { connection, release } = await acquireConnection(scope, {
      server,
      transport,
      baseDir: deps.baseDir,
      requestTimeoutMs: config.requestTimeoutMs,
      authProvider,
      elicitation: config.elicitation,
    });
    try {
      return new McpToolSource(server, connection, release, config);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** Releases the pooled connection; the last release stops the server. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }
}
