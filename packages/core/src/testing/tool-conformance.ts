/** `describeToolConformance`: the behaviour every `tool` plugin must show. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../contracts/json.js';
import type { Tool, ToolContext } from '../contracts/tool.js';

/** Options of `describeToolConformance`. */
export interface ToolConformanceOptions {
  /** Suite title, e.g. the plugin name. */
  name: string;
  /** A fresh tool per test. */
  create: () => Tool | Promise<Tool>;
  /** Raw model arguments the schema accepts and `execute` completes with. */
  validInput: unknown;
  /** Raw model arguments the schema must reject. */
  invalidInput: unknown;
  /** Optional extra check of the output `validInput` produces. */
  checkOutput?: (output: JsonValue) => void;
  /** Releases what `create` made (the suite calls `close()` on the tool first when it has one). */
  destroy?: (tool: Tool) => void | Promise<void>;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A `ToolContext` for tests; pass a signal to test cancellation. */
export function makeToolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  const callId = overrides.callId ?? 'call_conformance';
  return {
    callId,
    idempotencyKey: overrides.idempotencyKey ?? callId,
    runId: overrides.runId ?? 'run_conformance',
    sessionId: overrides.sessionId ?? 'session_conformance',
    agentId: overrides.agentId ?? 'agent_conformance',
    step: overrides.step ?? 1,
    signal: overrides.signal ?? new AbortController().signal,
  };
}

/**
 * Registers a vitest suite checking: a valid name, `kind`/`specVersion`, a declared `sideEffects` class and
 * approval rule; an input schema the model can be shown (a JSON Schema object); that the schema accepts
 * `validInput` and rejects `invalidInput`; that the output is plain JSON; and that an already aborted signal
 * makes `execute` reject instead of doing the work.
 */
export function describeToolConformance(options: ToolConformanceOptions): void {
  describe(`tool conformance: ${options.name}`, () => {
    const created: Tool[] = [];
    const make = async (): Promise<Tool> => {
      const tool = await options.create();
      created.push(tool);
      return tool;
    };

    afterEach(async () => {
      for (const tool of created.splice(0)) {
        const closeable = tool as Tool & { close?: () => Promise<void> };
        if (typeof closeable.close === 'function') await closeable.close();
        await options.destroy?.(tool);
      }
    });

    it('declares kind, spec version, a valid name, a description, sideEffects and an approval rule', async () => {
      const tool = await make();
      expect(tool.kind).toBe('tool');
      expect(tool.specVersion).toBe(1);
      expect(tool.name).toMatch(TOOL_NAME);
      expect(typeof tool.description).toBe('string');
      expect(tool.description.trim().length).toBeGreaterThan(0);
      expect(['none', 'idempotent', 'unsafe']).toContain(tool.sideEffects);
      expect(
        tool.approval === 'never' || tool.approval === 'always' || typeof tool.approval === 'function',
      ).toBe(true);
      expect(typeof tool.execute).toBe('function');
    });

    it('has an input schema the model can be shown as a JSON Schema object', async () => {
      const tool = await make();
      const schema =
        tool.inputJsonSchema ?? z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' });
      expect(schema.type).toBe('object');
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    });

    it('accepts the valid input and rejects the invalid one', async () => {
      const tool = await make();
      expect(tool.input.safeParse(options.validInput).success).toBe(true);
      expect(tool.input.safeParse(options.invalidInput).success).toBe(false);
    });

    it('returns plain JSON for the valid input, and its approval rule answers with a boolean', async () => {
      const tool = await make();
      const input = tool.input.parse(options.validInput);
      const context = makeToolContext();
      if (typeof tool.approval === 'function')
        expect(typeof (await tool.approval(input, context))).toBe('boolean');
      const output = (await tool.execute(input, context)) as JsonValue;
      expect(output).not.toBeUndefined();
      expect(JSON.parse(JSON.stringify(output))).toEqual(output);
      options.checkOutput?.(output);
    });

    it('rejects when its signal is already aborted', async () => {
      const tool = await make();
      const input = tool.input.parse(options.validInput);
      const controller = new AbortController();
      controller.abort(new Error('cancelled by the conformance suite'));
      await expect(
        (async () => tool.execute(input, makeToolContext({ signal: controller.signal })))(),
      ).rejects.toBeDefined();
    });
  });
}
