/** `calc` tool: evaluates arithmetic expressions safely (own parser, no `eval`). */
import {
  type ApprovalRule,
  definePlugin,
  type JsonObject,
  type Tool,
  type ToolContext,
  ToolError,
} from '@agentry/core';
import { z } from 'zod';
import { CalcError, evaluate, KNOWN_NAMES } from './calc-expression.js';
import { approvalFrom, asTool, commonToolConfig, throwIfAborted } from './tool-support.js';

const configSchema = z.object({
  ...commonToolConfig,
  maxLength: z.number().int().positive().max(100_000).default(2000).describe('Longest expression accepted.'),
});

/** Config of `calc`. */
export type CalcToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  expression: z
    .string()
    .min(1)
    .describe(
      'Arithmetic expression, e.g. "2 * (3 + 4) ^ 2 / sqrt(16)". Operators: + - * / % ^ and parentheses; ' +
        `functions: ${KNOWN_NAMES.functions.join(', ')}; constants: ${KNOWN_NAMES.constants.join(', ')}.`,
    ),
});

/** Arguments of `calc`. */
export type CalcInput = z.output<typeof inputSchema>;

/** Evaluates an arithmetic expression and returns the number. */
export class CalcTool implements Tool<CalcInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'calc',
    description: 'Evaluates arithmetic expressions (+ - * / % ^, functions, constants) without eval',
    configSchema,
    create: (config: CalcToolConfig) => asTool(new CalcTool(config)),
  });

  readonly kind = 'tool' as const;
  readonly specVersion = 1 as const;
  readonly name: string;
  readonly description: string;
  readonly input = inputSchema;
  readonly sideEffects = 'none' as const;
  readonly approval: ApprovalRule<CalcInput>;

  constructor(private readonly config: CalcToolConfig = configSchema.parse({})) {
    this.name = config.name ?? 'calc';
    this.description =
      config.description ??
      'Calculates the value of an arithmetic expression exactly as written. Use it for any arithmetic.';
    this.approval = approvalFrom(config, 'never');
  }

  execute(input: CalcInput, context: ToolContext): JsonObject {
    throwIfAborted(context.signal, this.name);
    if (input.expression.length > this.config.maxLength) {
      throw new ToolError('tool.input_invalid', {
        message: `${this.name}: the expression is ${input.expression.length} characters, the limit is ${this.config.maxLength}`,
        hint: 'Split the calculation into smaller steps.',
        context: { tool: this.name },
      });
    }
    try {
      return { expression: input.expression, result: evaluate(input.expression) };
    } catch (error) {
      if (!(error instanceof CalcError)) throw error;
      throw new ToolError('tool.input_invalid', {
        message: `${this.name}: ${error.message} in "${input.expression}"`,
        hint: 'Fix the expression: numbers, + - * / % ^, parentheses, functions like sqrt(x), constants pi and e.',
        context: { tool: this.name },
      });
    }
  }
}
