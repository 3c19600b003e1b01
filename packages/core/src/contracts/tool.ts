/** Contract for the `tool` plugin kind: something the model can call, with side-effect class, approval rule and hooks. */
import type { z } from 'zod';
import type { JsonObject, JsonValue } from './json.js';

/**
 * What running a tool does to the world, used on resume after a crash:
 * `none` and `idempotent` calls whose outcome is unknown are retried with the
 * same idempotency key; `unsafe` ones suspend the run for a decision.
 */
export type SideEffects = 'none' | 'idempotent' | 'unsafe';

/** Everything a tool may rely on while it runs. */
export interface ToolContext {
  /** Deterministic call id (run id + step + model tool-call id); stable across resume. */
  readonly callId: string;
  /** Equal to `callId`; pass it to downstream APIs to dedupe retried effects. */
  readonly idempotencyKey: string;
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
  /** The step (numbered from 1, as in events) whose model response asked for this call. */
  readonly step: number;
  /** Aborted when the run is cancelled or exceeds `maxDurationMs`; tools should honour it. */
  readonly signal: AbortSignal;
}

/** When a call needs a human decision before it runs. */
export type ApprovalRule<I = unknown> =
  | 'never'
  | 'always'
  // Method syntax keeps the parameter bivariant, so a `Tool<{ path: string }>` is still a `Tool`.
  | { check(input: I, context: ToolContext): boolean | Promise<boolean> }['check'];

/** The result of one tool call: output, or a typed error the model is shown. */
export type ToolOutcome =
  | { ok: true; output: JsonValue; metadata?: { [key: string]: JsonValue } }
  | {
      ok: false;
      error: { code: string; message: string; retryable: boolean; hint?: string };
      metadata?: { [key: string]: JsonValue };
    };

/** Payload of a before hook (one object, never positional arguments). */
export interface BeforeToolHookPayload {
  readonly tool: string;
  readonly input: unknown;
  readonly context: ToolContext;
}
/** A before hook may veto the call (the model sees the reason) or replace its input. */
export type BeforeToolHookResult = undefined | { veto: string } | { input: unknown };
export type BeforeToolHook = (
  payload: BeforeToolHookPayload,
) => BeforeToolHookResult | undefined | Promise<BeforeToolHookResult | undefined>;

/** Payload of an after hook; it always runs, also when the call failed. */
export interface AfterToolHookPayload {
  readonly tool: string;
  readonly input: unknown;
  readonly context: ToolContext;
  readonly outcome: ToolOutcome;
}
/** An after hook may replace the outcome; its own errors never mask the call's. */
export type AfterToolHook = (
  payload: AfterToolHookPayload,
) => ToolOutcome | undefined | Promise<ToolOutcome | undefined>;

/** A callable tool. Build one with `defineTool`. */
export interface Tool<I = unknown, O extends JsonValue = JsonValue> {
  readonly kind: 'tool';
  readonly specVersion: 1;
  /** Name the model calls it by: letters, digits, `_` and `-`. */
  readonly name: string;
  readonly description: string;
  /** Validates (and may transform) the model's arguments before anything runs. */
  readonly input: z.ZodType<I>;
  /**
   * Optional JSON Schema shown to the model instead of `z.toJSONSchema(input)`: set by tools whose
   * schema comes from elsewhere (an MCP server's `inputSchema`), so the model sees it unchanged.
   */
  readonly inputJsonSchema?: JsonObject;
  readonly sideEffects: SideEffects;
  /** Default approval rule; agent config and the run request can override it. */
  readonly approval: ApprovalRule<I>;
  execute(input: I, context: ToolContext): Promise<O> | O;
  readonly before?: readonly BeforeToolHook[];
  readonly after?: readonly AfterToolHook[];
}

export function isTool(value: unknown): value is Tool {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'tool' &&
    typeof (value as { execute?: unknown }).execute === 'function'
  );
}
