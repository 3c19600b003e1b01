/** One MCP client connection (stdio or streamable HTTP) that reconnects after a crash, and a per-runtime pool. */
import path from 'node:path';
import { isAgentryError, ToolError } from '@agentry/core';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  ElicitRequestSchema,
  type ElicitResult,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';

/** How to reach an MCP server. */
export type McpServerConfig =
  | { command: string; args: string[]; env: Record<string, string>; cwd?: string | undefined }
  | { url: string; headers: Record<string, string>; auth?: object | undefined };

/**
 * What the client answers when a server asks for input mid-call (`elicitation/create`): `decline` (no
 * person is there to answer), or `defaults`: accept with the defaults of the requested form (SEP-1034).
 */
export type ElicitationPolicy = 'decline' | 'defaults';

/** Options of one connection. */
export interface McpConnectionOptions {
  /** Name used in errors and logs. */
  readonly server: string;
  readonly transport: McpServerConfig;
  /** Directory relative `cwd` resolves against. */
  readonly baseDir: string;
  readonly requestTimeoutMs: number;
  /** OAuth for a streamable HTTP server (`auth:` in the config). */
  readonly authProvider?: OAuthClientProvider | undefined;
  readonly elicitation?: ElicitationPolicy;
}

/**
 * A client session to one server. `call` connects lazily after the previous session closed (a crashed
 * server is started again on the next call); a call that was in flight when it closed fails retryably.
 */
export class McpConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  /** Tools the server listed when the connection was first made. */
  tools: McpTool[] = [];

  constructor(readonly options: McpConnectionOptions) {}

  private transport(): Transport {
    const config = this.options.transport;
    if ('url' in config) {
      return new StreamableHTTPClientTransport(new URL(config.url), {
        requestInit: { headers: config.headers },
        ...(this.options.authProvider === undefined ? {} : { authProvider: this.options.authProvider }),
      });
    }
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: { ...getDefaultEnvironment(), ...config.env },
      ...(config.cwd === undefined ? {} : { cwd: path.resolve(this.options.baseDir, config.cwd) }),
      stderr: 'pipe',
    });
    // The server's stderr is drained so a chatty server never blocks on a full pipe.
    transport.stderr?.on('data', () => undefined);
    return transport;
  }

  /** Connects (once at a time) and returns the live client. */
  async connect(): Promise<Client> {
    if (this.closed) throw this.failure('the connection was closed (runtime.close())', false);
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = createClient(this.options.elicitation ?? 'decline');
      client.onclose = () => {
        if (this.client === client) this.client = undefined;
      };
      try {
        await client.connect(this.transport(), { timeout: this.options.requestTimeoutMs });
        const tools: McpTool[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.listTools(cursor === undefined ? {} : { cursor });
          tools.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        this.tools = tools;
        this.client = client;
        return client;
      } catch (error) {
        await client.close().catch(() => undefined);
        // "Log in first" and the like say their own fix; retrying would not help.
        if (isAgentryError(error) && !error.retryable) throw error;
        throw this.failure(`could not connect: ${(error as Error).message}`, true, error);
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** Calls one server tool; connection loss becomes a retryable `tool.failed` naming the server. */
  async call(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = await this.connect();
    try {
      return (await client.callTool({ name, arguments: args }, undefined, {
        signal,
        timeout: this.options.requestTimeoutMs,
      })) as CallToolResult;
    } catch (error) {
      if (signal.aborted) throw error;
      const code = (error as { code?: unknown }).code;
      if (code === -32001) {
        throw new ToolError('tool.timeout', {
          message: `MCP server "${this.options.server}": tool "${name}" did not answer within ${this.options.requestTimeoutMs} ms`,
          hint: 'Try again later, or raise `requestTimeoutMs`.',
          cause: error,
        });
      }
      if (code === -32602) {
        throw new ToolError('tool.input_invalid', {
          message: `MCP server "${this.options.server}" rejected the arguments of "${name}": ${(error as Error).message}`,
          hint: 'Fix the arguments to match the tool schema.',
          cause: error,
        });
      }
      // A JSON-RPC error has a numeric code; anything else (fetch failed, closed pipe) is the transport.
      if (this.client !== client || code === -32000 || typeof code !== 'number') {
        throw this.failure(
          `the connection was lost during "${name}" (did the server crash?): ${(error as Error).message}`,
          true,
          error,
        );
      }
      throw this.failure(`tool "${name}" failed: ${(error as Error).message}`, false, error);
    }
  }

  private failure(reason: string, retryable: boolean, cause?: unknown): ToolError {
    return new ToolError('tool.failed', {
      message: `MCP server "${this.options.server}": ${reason}`,
      hint: retryable ? 'The server is started again on the next call; retry it.' : 'Check the MCP server.',
      retryable,
      cause,
    });
  }

  /** Closes the session (and stops a stdio server); later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}

/** An MCP client that declares form elicitation and answers it by `policy`. */
function createClient(policy: ElicitationPolicy): Client {
  const client = new Client(
    { name: 'agentry', version: '0.1.0' },
    { capabilities: { elicitation: { form: { applyDefaults: policy === 'defaults' } } } },
  );
  client.setRequestHandler(
    ElicitRequestSchema,
    async (): Promise<ElicitResult> =>
      // The SDK fills in the requested schema's defaults when applyDefaults is declared.
      policy === 'defaults' ? { action: 'accept', content: {} } : { action: 'decline' },
  );
  return client;
}

interface PoolEntry {
  readonly connection: McpConnection;
  references: number;
}

const pools = new WeakMap<object, Map<string, PoolEntry>>();

/**
 * Shares connections per runtime: sources with the same server config under the same `scope` (the runtime's
 * store) share one connection; it closes when the last of them releases it.
 */
export async function acquireConnection(
  scope: object,
  options: McpConnectionOptions,
): Promise<{ connection: McpConnection; release: () => Promise<void> }> {
  let pool = pools.get(scope);
  if (!pool) {
    pool = new Map();
    pools.set(scope, pool);
  }
  const key = JSON.stringify([options.transport, options.baseDir, options.elicitation]);
  let entry = pool.get(key);
  if (!entry) {
    entry = { connection: new McpConnection(options), references: 0 };
    pool.set(key, entry);
  }
  entry.references += 1;
  const held = entry;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    held.references -= 1;
    if (held.references === 0) {
      if (pool.get(key) === held) pool.delete(key);
      await held.connection.close();
    }
  };
  try {
    await held.connection.connect();
  } catch (error) {
    await release();
    throw error;
  }
  return { connection: held.connection, release };
}
