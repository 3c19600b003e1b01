/** Test helpers: plugin deps for `create`, temp directories, a tool context, a terminal executor step, a start signal. */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JsonValue, PluginDeps, Store, ToolExecution, ToolOutcome } from '@agentry/core';
import { isAgentryError } from '@agentry/core';

/** Deps good enough for tool and executor plugins; `store()` returns a stable scope object for pooling. */
export function testDeps(baseDir: string, scope: object = {}): PluginDeps & { secrets: string[] } {
  const secrets: string[] = [];
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available in this test`);
  };
  return {
    baseDir,
    secrets,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    clock: { now: () => Date.now() },
    ids: { next: (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2)}` },
    redactor: {
      addSecret: (value: string) => secrets.push(value),
      redactText: (text: string) => text,
      redact: <T>(value: T) => value,
    },
    store: () => scope as Store,
    events: unavailable('events'),
    models: unavailable('models'),
    load: unavailable('load'),
  };
}

/** A fresh real temp directory (realpath'd, so macOS /private links do not confuse checks). */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const created = await realpath(await mkdtemp(path.join(os.tmpdir(), `agentry-${prefix}-`)));
  return { path: created, remove: () => rm(created, { recursive: true, force: true }) };
}

/** The runtime's terminal step in miniature: runs the tool, failures become `{ ok: false }`. */
export async function runTool(execution: ToolExecution): Promise<ToolOutcome> {
  try {
    const output = await execution.tool.execute(execution.input, execution.context);
    return { ok: true, output: (output ?? null) as JsonValue };
  } catch (error) {
    if (execution.context.signal.aborted) throw error;
    if (isAgentryError(error)) {
      return { ok: false, error: { code: error.code, message: error.message, retryable: error.retryable } };
    }
    return { ok: false, error: { code: 'tool.failed', message: String(error), retryable: false } };
  }
}

/** Error code of a rejected promise (or `resolved` when it did not reject). */
export async function errorCode(promise: Promise<unknown> | unknown): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isAgentryError(error) ? error.code : `non-agentry: ${String(error)}`;
  }
}

/**
 * A local TCP port that a child process (a command, an MCP server tool) connects to once it has started its work:
 * `started` resolves on the first connection, so a test can abort a call that is known to be in flight.
 */
export async function startSignal(): Promise<{ port: number; started: Promise<void>; close: () => void }> {
  let signal = (): void => undefined;
  const started = new Promise<void>((resolve) => (signal = resolve));
  const server = createServer((socket) => {
    socket.destroy();
    signal();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, started, close: () => server.close() };
}
