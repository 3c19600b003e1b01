/** `calc` tool: evaluates arithmetic expressions safely (own parser, no `eval`). */
import { definePlugin, type JsonObject, type ToolContext, ToolError } from '@agentry/core';
import { z } from 'zod';
import { CalcError, evaluate, KNOWN_NAMES } from './calc-expression.js';
import { ConfiguredTool } from './configured-tool.js';
import { asTool, commonToolConfig } from './tool-support.js';

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
export class CalcTool extends ConfiguredTool<CalcInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'calc',
    description: 'Evaluates arithmetic expressions (+ - * / % ^, functions, constants) without eval',
    configSchema,
    create: (config: CalcToolConfig) => asTool(new CalcTool(config)),
  });

  readonly input = inputSchema;
  readonly sideEffects = 'none' as const;

  constructor(private readonly config: CalcToolConfig = configSchema.parse({})) {
    super(config, {
      name: 'calc',
      description:
        'Calculates the value of an arithmetic expression exactly as written. Use it for any arithmetic.',
      approval: 'never',
    });
  }

  execute(input: CalcInput, context: ToolContext): JsonObject {
    this.throwIfAborted(context.signal);
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
