/** `describeToolExecutorConformance`: the behaviour every `tool-executor` plugin must show. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../contracts/json.js';
import type { Tool, ToolOutcome } from '../contracts/tool.js';
import type { NextExecutor, ToolExecution, ToolExecutor } from '../contracts/tool-executor.js';
import { makeToolContext } from './tool-conformance.js';

/** Options of `describeToolExecutorConformance`. */
export interface ToolExecutorConformanceOptions {
  /** Suite title, e.g. the plugin name. */
  name: string;
  /** A fresh executor per test. */
  create: () => ToolExecutor | Promise<ToolExecutor>;
  /** Releases what `create` made. */
  destroy?: (executor: ToolExecutor) => void | Promise<void>;
}

const echoTool: Tool = {
  kind: 'tool',
  specVersion: 1,
  name: 'conformance_echo',
  description: 'Echoes its text',
  input: z.object({ text: z.string() }) as unknown as z.ZodType<unknown>,
  sideEffects: 'none',
  approval: 'never',
  execute: (input) => ({ echoed: (input as { text: string }).text }),
};

function execution(callId: string, text: string): ToolExecution {
  return { tool: echoTool, input: { text }, context: makeToolContext({ callId }) };
}

/** A terminal step like the runtime's: runs the tool and returns its output. */
function recordingNext(run: (execution: ToolExecution) => Promise<ToolOutcome>) {
  const calls: ToolExecution[] = [];
  const next: NextExecutor = (received) => {
    calls.push(received);
    return run(received);
  };
  return { calls, next };
}

async function runTool(received: ToolExecution): Promise<ToolOutcome> {
  return { ok: true, output: (await received.tool.execute(received.input, received.context)) as JsonValue };
}

/**
 * Registers a vitest suite checking: `kind`/`specVersion`/name and a sane `concurrency`; a plain call reaches
 * `next` once with the same tool, input and call id and its outcome comes back; a failing outcome comes back
 * as a failure; a `next` that throws never makes the executor throw; concurrent calls each get their own
 * outcome.
 */
export function describeToolExecutorConformance(options: ToolExecutorConformanceOptions): void {
  describe(`tool-executor conformance: ${options.name}`, () => {
    const created: ToolExecutor[] = [];
    const make = async (): Promise<ToolExecutor> => {
      const executor = await options.create();
      created.push(executor);
      return executor;
    };

    afterEach(async () => {
      for (const executor of created.splice(0)) await options.destroy?.(executor);
    });

    it('declares kind, spec version, a name and a positive integer concurrency if any', async () => {
      const executor = await make();
      expect(executor.kind).toBe('tool-executor');
      expect(executor.specVersion).toBe(1);
      expect(executor.name.length).toBeGreaterThan(0);
      if (executor.concurrency !== undefined) {
        expect(Number.isInteger(executor.concurrency) && executor.concurrency > 0).toBe(true);
      }
    });

    it('calls next once for a plain call, with the same tool, input and call id, and returns its outcome', async () => {
      const executor = await make();
      const { calls, next } = recordingNext(runTool);
      const outcome = await executor.execute(execution('call_plain', 'hello'), next);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.tool).toBe(echoTool);
      expect(calls[0]!.input).toEqual({ text: 'hello' });
      expect(calls[0]!.context.callId).toBe('call_plain');
      expect(outcome).toMatchObject({ ok: true, output: { echoed: 'hello' } });
    });

    it('passes a permanent failure through, calling next once', async () => {
      const executor = await make();
      const failure: ToolOutcome = {
        ok: false,
        error: { code: 'tool.failed', message: 'the tool broke', retryable: false },
      };
      const { calls, next } = recordingNext(async () => failure);
      const outcome = await executor.execute(execution('call_fail', 'x'), next);
      expect(calls).toHaveLength(1);
      expect(outcome).toMatchObject({ ok: false, error: { code: 'tool.failed', retryable: false } });
    });

    it('never throws when next throws an ordinary error; the call fails instead', async () => {
      const executor = await make();
      const next: NextExecutor = async () => {
        throw new Error('next blew up');
      };
      const outcome = await executor.execute(execution('call_throw', 'x'), next);
      expect(outcome.ok).toBe(false);
    });

    it('returns a retryable failure as a failure (after any retries)', async () => {
      const executor = await make();
      const { calls, next } = recordingNext(async () => ({
        ok: false,
        error: { code: 'tool.failed', message: 'try later', retryable: true },
      }));
      const outcome = await executor.execute(execution('call_retryable', 'x'), next);
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(outcome).toMatchObject({ ok: false, error: { code: 'tool.failed', retryable: true } });
    });

    it('gives each of several concurrent calls its own outcome', async () => {
      const executor = await make();
      const texts = ['a', 'b', 'c', 'd', 'e'];
      const { next } = recordingNext(async (received) => {
        // Later calls finish first, so a mix-up of outcomes would show.
        const text = (received.input as { text: string }).text;
        await new Promise((resolve) => setTimeout(resolve, (texts.length - texts.indexOf(text)) * 5));
        return runTool(received);
      });
      const outcomes = await Promise.all(
        texts.map((text) => executor.execute(execution(`call_${text}`, text), next)),
      );
      expect(outcomes.map((outcome) => (outcome.ok ? outcome.output : null))).toEqual(
        texts.map((text) => ({ echoed: text })),
      );
    });
  });
}
