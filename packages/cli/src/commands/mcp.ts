/** `agentry mcp login <server>`: signs in once to an MCP server behind OAuth; runs and workers use the stored token. */
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { ConfigError, loadConfig, openConfigStore } from '../core-api.js';
import { EXIT } from '../render/errors.js';

/** An `mcp` tool slot with OAuth, as the login needs it. */
export interface McpServerSlot {
  server: string;
  url: string;
  headers?: Record<string, string>;
  auth: Record<string, unknown>;
}

/**
 * The streamable HTTP `mcp` tool slots of a config that have `auth:`, by server name (the slot's `server`,
 * else its URL's host, as the tool source names it).
 */
export function mcpServersWithAuth(config: {
  agents?: Record<string, { tools?: unknown[] }>;
}): McpServerSlot[] {
  const found = new Map<string, McpServerSlot>();
  for (const agent of Object.values(config.agents ?? {})) {
    for (const tool of agent.tools ?? []) {
      const slot = tool as { type?: unknown; config?: Record<string, unknown> };
      const settings = slot.config;
      if (slot.type !== 'mcp' || typeof settings?.url !== 'string' || typeof settings.auth !== 'object')
        continue;
      const server = typeof settings.server === 'string' ? settings.server : new URL(settings.url).host;
      found.set(server, {
        server,
        url: settings.url,
        auth: settings.auth as Record<string, unknown>,
        ...(settings.headers === undefined ? {} : { headers: settings.headers as Record<string, string> }),
      });
    }
  }
  return [...found.values()];
}

export function registerMcp(program: Command, context: CliContext, exit: ExitSlot): void {
  const mcp = program.command('mcp').description('MCP servers used by the config');
  const login = mcp
    .command('login <server>')
    .description(
      'Sign in to an MCP server behind OAuth (an `mcp` tool with `auth:`): opens the sign-in page address, waits for the browser to come back, keeps the token in the store',
    )
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--timeout <seconds>', 'how long to wait for the sign-in', '300')
    .action(
      action(context, exit, async (server: string, options: { config?: string; timeout: string }) => {
        const loaded = await loadConfig({
          path: options.config,
          cwd: context.io.cwd,
          env: context.io.env,
          redactor: context.redactor,
        });
        const servers = mcpServersWithAuth(loaded.config as Parameters<typeof mcpServersWithAuth>[0]);
        const target = servers.find((candidate) => candidate.server === server);
        if (target === undefined) {
          throw new ConfigError('config.invalid', {
            message: `No mcp tool with \`auth:\` for server "${server}" in ${loaded.file}`,
            hint:
              servers.length === 0
                ? 'Add `auth:` to the mcp tool (see docs/reference/tool.md#mcp) first.'
                : `Servers with auth: ${servers.map((candidate) => candidate.server).join(', ')}.`,
          });
        }
        const { loginMcpServer, mcpAuthConfigSchema } = await import('@agentry/plugins/tool/mcp');
        const store = await openConfigStore(loaded);
        try {
          const outcome = await loginMcpServer(
            { ...target, auth: mcpAuthConfigSchema.parse(target.auth) },
            {
              store,
              redactor: context.redactor,
              timeoutMs: Number(options.timeout) * 1000,
              openUrl: (url) =>
                context.human(`Open this address in a browser and sign in to ${server}:\n\n  ${url.href}\n`),
            },
          );
          context.human(
            outcome === 'already'
              ? `${server}: the stored token still works; nothing to do.`
              : `${server}: signed in. The token is in the store; runs and workers use and refresh it.`,
          );
          return EXIT.ok;
        } finally {
          await store.close();
        }
      }),
    );
  const examples: [string, string][] = [
    ['agentry mcp login github', 'sign in to the mcp server named "github"'],
  ];
  withExamples(mcp, examples);
  withExamples(login, examples);
}
