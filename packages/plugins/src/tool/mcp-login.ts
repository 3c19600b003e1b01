/**
 * The interactive OAuth sign-in for an `mcp` tool source (`agentry mcp login <server>`): sends a person to
 * the server's authorization page, takes the code on a loopback callback, and leaves the tokens in the
 * store, where runs and workers find (and refresh) them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ConfigError, type Redactor, type Store, ToolError } from '@agentry/core';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpAuthConfig } from './mcp-oauth.js';
import { StoreOAuthProvider } from './mcp-oauth.js';

/** The parts of an `mcp` tool source's config the login needs. */
export interface McpLoginTarget {
  /** Server name, for messages. */
  readonly server: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly auth: McpAuthConfig;
}

/** Options of `loginMcpServer`. */
export interface McpLoginOptions {
  readonly store: Store;
  readonly redactor: Redactor;
  /** Shows the authorization page to the person (prints it, opens a browser …). */
  openUrl(authorizationUrl: URL): void | Promise<void>;
  /** How long to wait for the browser to come back (default 5 minutes). */
  readonly timeoutMs?: number;
}

/**
 * What the login did: `authorized` after a sign-in, `already` when the stored token still works and no
 * run asked for more.
 */
export type McpLoginOutcome = 'authorized' | 'already';

/**
 * Signs in to an MCP server with the authorization code flow (PKCE, dynamic registration or a configured
 * client) and stores the tokens: when no stored token lets it list the server's tools, or when a run noted
 * that it needs more (a step-up to a wider scope, which the sign-in then asks for). Connects once more
 * afterwards to prove the token works.
 *
 * @throws ConfigError when the target does not use `grant: authorization_code`; ToolError when the
 * browser does not come back in time, the state does not match or the server refuses the code.
 */
export async function loginMcpServer(
  target: McpLoginTarget,
  options: McpLoginOptions,
): Promise<McpLoginOutcome> {
  if (target.auth.grant !== 'authorization_code') {
    throw new ConfigError('config.invalid', {
      message: `MCP server "${target.server}" uses grant ${target.auth.grant}, which needs no login`,
      hint: 'Runs fetch its token by themselves; `agentry mcp login` is for `grant: authorization_code`.',
    });
  }
  const state = randomBytes(16).toString('hex');
  const callback = await listenForCallback(new URL(target.auth.redirectUri), state);
  try {
    const provider = new StoreOAuthProvider({
      ...target,
      store: options.store,
      redactor: options.redactor,
      authorize: (authorizationUrl) => options.openUrl(authorizationUrl),
      state,
    });
    const transport = () =>
      new StreamableHTTPClientTransport(new URL(target.url), {
        authProvider: provider,
        requestInit: { headers: target.headers ?? {} },
      });
    const first = transport();
    const timeoutMs = options.timeoutMs ?? 300_000;
    try {
      await connectOnce(first);
      const pending = await provider.pendingAuthorization();
      if (pending === undefined) return 'already';
      // A run needed more than the stored token allows: authorize again, for what it asked.
      await provider.invalidateCredentials('tokens');
      const serverUrl = new URL(target.url);
      if ((await auth(provider, { serverUrl, ...pending })) === 'REDIRECT') {
        const authorizationCode = await callback.code(timeoutMs, target.server);
        await auth(provider, { serverUrl, authorizationCode, ...pending });
      }
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      await first.finishAuth(await callback.code(timeoutMs, target.server));
    }
    await connectOnce(transport());
    return 'authorized';
  } finally {
    await callback.close();
  }
}

/** Connects and lists the tools, as a run does first. */
async function connectOnce(transport: StreamableHTTPClientTransport): Promise<void> {
  const client = new Client({ name: 'agentry', version: '0.1.0' });
  try {
    await client.connect(transport);
    await client.listTools();
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** A one-shot loopback HTTP server at the redirect URI that hands over the authorization code. */
async function listenForCallback(
  redirect: URL,
  state: string,
): Promise<{ code(timeoutMs: number, server: string): Promise<string>; close(): Promise<void> }> {
  let settle: { resolve(code: string): void; reject(error: Error): void } | undefined;
  const arrived = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  arrived.catch(() => undefined);
  const http: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', redirect);
    if (url.pathname !== redirect.pathname) {
      response.writeHead(404).end();
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    const ok = error === null && code !== null && url.searchParams.get('state') === state;
    response.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(
      ok ? 'Agentry is signed in. You can close this page.' : 'Agentry sign-in failed; see the terminal.',
    );
    if (ok) settle?.resolve(code);
    else
      settle?.reject(
        new ToolError('tool.failed', {
          message: `MCP sign-in failed: ${error ?? (code === null ? 'no authorization code' : 'the state does not match (a stale or foreign redirect)')}`,
          hint: 'Run `agentry mcp login` again and finish the sign-in in the page it shows.',
          retryable: false,
        }),
      );
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error) =>
      reject(
        new ConfigError('config.invalid', {
          message: `Cannot listen for the sign-in callback on ${redirect.host}: ${error.message}`,
          hint: 'Set `auth.redirectUri` to a free loopback port (and register it with the server).',
        }),
      ),
    );
    http.listen(Number(redirect.port || 80), redirect.hostname, resolve);
  });
  return {
    async code(timeoutMs, server) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new ToolError('tool.timeout', {
                message: `MCP server "${server}": nobody finished the sign-in within ${Math.round(timeoutMs / 1000)} s`,
                hint: 'Open the printed address in a browser and sign in, then run the command again.',
              }),
            ),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([arrived, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
