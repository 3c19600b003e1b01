/**
 * Serves a runtime source over HTTP (`agentry serve` and `agentry dev`): tokens from
 * AGENTRY_SERVER_TOKENS, the console build of @agentry/console, the URL printed, and a clean stop on
 * Ctrl-C or SIGTERM (runs this server drives are left to their checkpoints).
 */
import process from 'node:process';
import type { TriggerHandle } from '@agentry/core';
import type { ApiToken, RuntimeSource, ServedConfig } from '@agentry/server';
import { createServer, defaultConsoleDir, listen, tokensFromEnv } from '@agentry/server';
import type { CliContext } from '../context.js';
import { UsageError } from '../render/errors.js';

/** Options shared by `serve` and `dev`. */
export interface ServeOptions {
  config?: string;
  host: string;
  port: string;
  trustProxy?: boolean;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(
      `--port must be a port number (0–65535), got "${value}".`,
      'Use --port 0 for any free port.',
    );
  }
  return port;
}

/** Starts the server, prints its URL, and resolves when the process is asked to stop. */
export async function serveUntilStopped(
  context: CliContext,
  source: RuntimeSource,
  options: Omit<ServeOptions, 'config'> & {
    servedConfig: () => ServedConfig | undefined;
    label: string;
    /** Triggers started for this server: their webhooks are served at /hooks/<path>. */
    triggers?: TriggerHandle;
  },
): Promise<void> {
  let tokens: ReturnType<typeof tokensFromEnv>;
  try {
    // The config's `server.tokens` (read once, at start) and AGENTRY_SERVER_TOKENS, together.
    const configured = (options.servedConfig()?.server as { tokens?: ApiToken[] } | undefined)?.tokens ?? [];
    tokens = [...configured, ...tokensFromEnv(context.io.env.AGENTRY_SERVER_TOKENS)];
    for (const token of tokens) context.redactor.addSecret(token.token);
  } catch (error) {
    throw new UsageError(
      (error as Error).message,
      'Example: AGENTRY_SERVER_TOKENS="admin:$(openssl rand -hex 24)"',
    );
  }
  const consoleDir = defaultConsoleDir();
  let server: ReturnType<typeof createServer>;
  try {
    server = createServer(source, {
      tokens,
      ...(consoleDir ? { consoleDir } : {}),
      config: options.servedConfig,
      trustProxy: options.trustProxy === true,
      redactor: context.redactor,
      ...(options.triggers ? { triggers: options.triggers } : {}),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(server, {
      host: options.host,
      port: parsePort(options.port),
      hasTokens: tokens.length > 0,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  context.human(`${options.label} ${listening.url}`);
  context.note(
    tokens.length > 0
      ? `${tokens.length} token(s) accepted; open the URL and sign in with one.`
      : 'No tokens configured: anyone on this machine may use it as admin. Press Ctrl-C to stop.',
  );
  await new Promise<void>((resolve) => {
    const removeInterrupt = context.io.onInterrupt(() => finish());
    const onTerm = () => finish();
    process.once('SIGTERM', onTerm);
    function finish(): void {
      removeInterrupt();
      process.off('SIGTERM', onTerm);
      resolve();
    }
  });
  context.note('Stopping: closing connections.');
  await listening.close();
}
