/** `defineTool`: declares a tool from a zod input schema and a function. */
import type { z } from 'zod';
import type { JsonValue } from '../contracts/json.js';
import type {
  AfterToolHook,
  ApprovalRule,
  BeforeToolHook,
  SideEffects,
  Tool,
  ToolContext,
} from '../contracts/tool.js';
import { ConfigError } from '../errors/agentry-error.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Input of `defineTool`. */
export interface DefineToolInput<S extends z.ZodType, O extends JsonValue> {
  /** Name the model calls it by: 1–64 letters, digits, `_` or `-`. */
  name: string;
  description: string;
  /** Schema of the arguments; the model is shown its JSON Schema. */
  input: S;
  /** Declare honestly: on resume after a crash, `unsafe` calls are never repeated without a decision. */
  sideEffects: SideEffects;
  /** Default `never`. */
  approval?: ApprovalRule<z.output<S>>;
  execute(input: z.output<S>, context: ToolContext): O | Promise<O>;
  before?: BeforeToolHook[];
  after?: AfterToolHook[];
}

/**
 * Declares a tool. Export it and list it in an agent's `tools` with
 * `impl: ./tools.ts#sendEmail`, or pass it to `createRuntime` in code.
 *
 * @example
 * ```ts
 * export const add = defineTool({
 *   name: 'add',
 *   description: 'Adds two numbers',
 *   input: z.object({ a: z.number(), b: z.number() }),
 *   sideEffects: 'none',
 *   execute: ({ a, b }) => a + b,
 * });
 * ```
 */
export function defineTool<S extends z.ZodType, O extends JsonValue>(
  input: DefineToolInput<S, O>,
): Tool<z.output<S>, O> {
  if (!TOOL_NAME.test(input.name)) {
    throw new ConfigError('config.invalid', {
      message: `Tool name "${input.name}" is not valid`,
      hint: 'Use 1–64 letters, digits, "_" or "-" (model providers reject other names).',
      context: { tool: input.name },
    });
  }
  return Object.freeze({
    kind: 'tool' as const,
    specVersion: 1 as const,
    name: input.name,
    description: input.description,
    input: input.input as unknown as z.ZodType<z.output<S>>,
    sideEffects: input.sideEffects,
    approval: input.approval ?? 'never',
    execute: input.execute,
    ...(input.before ? { before: Object.freeze([...input.before]) } : {}),
    ...(input.after ? { after: Object.freeze([...input.after]) } : {}),
  });
}
