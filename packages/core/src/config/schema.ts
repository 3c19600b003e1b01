/** The zod schema of `agentry.yaml` (strict: unknown keys are errors) and its JSON Schema for editors. */
import { z } from 'zod';
import type { PluginKind } from '../contracts/plugin.js';
import { triggerListSchema } from '../triggers/trigger-schema.js';
import { builtinNames, findBuiltin } from './builtin-plugins.js';
import { suggestionHint } from './did-you-mean.js';

/**
 * For unions, how to pick the option a value meant (so errors describe that
 * option, not "invalid input"). Returns a schema or a message when no option fits.
 */
export type UnionChooser = (value: unknown) => z.ZodType | { message: string; hint?: string };
/** Unions with a chooser; the validator uses it to explain a failed union. */
export const UNION_CHOOSERS = new WeakMap<z.ZodType, UnionChooser>();

/** A slot's `config`: any object (the plugin validates it). */
function configRecord() {
  return z.record(z.string(), z.unknown());
}

function builtinName(kind: PluginKind): z.ZodString {
  const schema = z.string().min(1);
  return schema.superRefine((name, context) => {
    if (findBuiltin(kind, name)) return;
    const hint =
      suggestionHint(name, builtinNames(kind)) ?? `builtins: ${builtinNames(kind).join(', ') || 'none'}`;
    context.addIssue({
      code: 'custom',
      message: `unknown ${kind} "${name}"`,
      params: { hint },
      input: name,
    });
  }) as unknown as z.ZodString;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SLOT_SHAPE_HINT = 'use a builtin name, { type, config } or { impl: "<specifier>#<export>", config }';

function slotUnion<T extends z.ZodType, I extends z.ZodType, S extends z.ZodType>(
  named: S,
  typed: T,
  implemented: I,
) {
  const schema = z.union([named, typed, implemented]);
  UNION_CHOOSERS.set(schema, (value) => {
    if (typeof value === 'string') return named;
    if (!isObject(value)) return { message: 'expected a plugin slot', hint: SLOT_SHAPE_HINT };
    if ('type' in value && 'impl' in value) {
      return {
        message: '`type` and `impl` together',
        hint: 'keep one: `type` for a builtin, `impl` for a path',
      };
    }
    if ('impl' in value) return implemented;
    if ('type' in value) return typed;
    return { message: 'slot needs `type` or `impl`', hint: SLOT_SHAPE_HINT };
  });
  return schema;
}

/** A slot of `kind`: builtin name, `{ type, config }` or `{ impl, config }`. Slot `config` is validated by the plugin. */
export function slotSchema(kind: PluginKind) {
  return slotUnion(
    builtinName(kind),
    z.strictObject({ type: builtinName(kind), config: configRecord().optional() }),
    z.strictObject({ impl: z.string().min(1), config: configRecord().optional() }),
  );
}

/** One slot or a list of slots (a chain; the first listed sees the call first). */
export function slotListSchema(kind: PluginKind) {
  const single = slotSchema(kind);
  const list = z.array(slotSchema(kind)).min(1);
  const schema = z.union([single, list]);
  UNION_CHOOSERS.set(schema, (value) => (Array.isArray(value) ? list : single));
  return schema;
}

/** A tool slot: like any slot, plus `approval: never | always` overriding the tool's own rule. */
export function toolSlotSchema() {
  const approvalRule = z.enum(['never', 'always']);
  return slotUnion(
    builtinName('tool'),
    z
      .strictObject({
        type: builtinName('tool'),
        config: configRecord().optional(),
        approval: approvalRule.optional(),
      })
      .superRefine((slot, context) => {
        // Two places for one rule would leave the reader guessing which wins.
        if (slot.approval === undefined || slot.config?.approval === undefined) return;
        context.addIssue({
          code: 'custom',
          path: ['config', 'approval'],
          message: '`approval` is set twice: on the tool slot and in its config',
          params: { hint: "keep one of them (the slot's `approval` works for every tool, builtin or impl)" },
          input: slot.config.approval,
        });
      }),
    z.strictObject({
      impl: z.string().min(1),
      config: configRecord().optional(),
      approval: approvalRule.optional(),
    }),
  );
}

/** A model: `{ provider: <builtin>, ...provider config }` or `{ impl, config }`. */
export function modelConfigSchema() {
  const pricingSchema = z.strictObject({
    inputPerMillion: z.number().nonnegative(),
    outputPerMillion: z.number().nonnegative(),
  });
  const rateLimitSchema = z
    .strictObject({ requests: z.int().positive(), intervalMs: z.int().positive() })
    .describe(
      'At most `requests` calls to this model in any `intervalMs`, shared by every process on the same store (all workers).',
    );
  const providerModelSchema = z.looseObject({
    provider: builtinName('model'),
    model: z.string().min(1).optional(),
    apiKey: z.string().optional().meta({ secret: true }),
    pricing: pricingSchema.optional(),
    rateLimit: rateLimitSchema.optional(),
  });
  const implModelSchema = z.strictObject({
    impl: z.string().min(1),
    config: configRecord().optional(),
    pricing: pricingSchema.optional(),
    rateLimit: rateLimitSchema.optional(),
  });
  const schema = z.union([providerModelSchema, implModelSchema]);
  UNION_CHOOSERS.set(schema, (value) => {
    if (!isObject(value)) {
      return { message: 'expected a model', hint: 'use { provider: <name>, ... } or { impl, config }' };
    }
    if ('impl' in value && 'provider' in value) {
      return { message: '`provider` and `impl` together', hint: 'keep one of them' };
    }
    if ('impl' in value) return implModelSchema;
    if ('provider' in value) return providerModelSchema;
    return {
      message: 'model needs `provider` or `impl`',
      hint: `providers: ${builtinNames('model').join(', ')}`,
    };
  });
  return schema;
}

/** A regex source that compiles (checked at validation, so a bad one has a file:line). */
function regexSource() {
  return z.string().refine(
    (source) => {
      try {
        new RegExp(source, 'iu');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );
}

/** One run hook: an impl path (`./hooks.js#screen`) or a builtin (`{ type: input-screen, config }`). */
function runHookSchema() {
  return z.union([
    z.string().min(1),
    z.strictObject({
      type: z.literal('input-screen'),
      config: z
        .strictObject({
          deny: z
            .array(z.string().min(1))
            .default([])
            .describe('Words or phrases (case-insensitive) that block a run.'),
          patterns: z
            .array(regexSource())
            .default([])
            .describe('Regular expressions (case-insensitive) that block a run.'),
          reason: z.string().min(1).optional().describe('The rejection reason (default names the match).'),
        })
        .default({ deny: [], patterns: [] }),
    }),
    z.strictObject({
      type: z.literal('rate-limit'),
      config: z.strictObject({
        max: z.int().min(1).max(1000).describe('Runs allowed in any window of `perMs`.'),
        perMs: z.int().positive().describe('The window, in milliseconds.'),
        key: z
          .enum(['agent', 'session'])
          .default('agent')
          .describe('Count per agent, or per session (runs without a session are not counted).'),
        reason: z.string().min(1).optional().describe('The rejection reason (default names the limit).'),
      }),
    }),
  ]);
}

/** `beforeRun` / `afterRun`: run-level hooks (global under `hooks:`, per agent under `agents.<id>.hooks`). */
function runHooksShape() {
  return {
    beforeRun: z
      .array(runHookSchema())
      .default([])
      .describe(
        'Hooks called before a run starts; each may block it, rewrite its input/budget/metadata, or pass.',
      ),
    afterRun: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Hooks called with every result (completed, failed, rejected, ...); they may publish events.',
      ),
  };
}

/** One agent. */
export function agentConfigSchema() {
  const positiveInt = z.int().positive();
  const budgetSchema = z.strictObject({
    maxSteps: positiveInt.optional(),
    maxToolCalls: z.int().nonnegative().optional(),
    maxInputTokens: positiveInt.optional(),
    maxOutputTokens: positiveInt.optional(),
    maxTotalTokens: positiveInt.optional(),
    maxCostUsd: z.number().positive().optional(),
    maxDurationMs: positiveInt.optional(),
  });
  const approvalAction = z.enum(['ask', 'allow', 'deny']);
  return z.strictObject({
    model: z.string().min(1),
    instructions: z.string().optional(),
    description: z.string().optional(),
    pattern: slotSchema('pattern').optional(),
    memory: slotListSchema('memory').optional(),
    context: slotSchema('context-assembler').optional(),
    toolExecutor: slotListSchema('tool-executor').optional(),
    tools: z.array(toolSlotSchema()).default([]),
    hooks: z
      .strictObject({
        before: z.array(z.string().min(1)).default([]),
        after: z.array(z.string().min(1)).default([]),
        ...runHooksShape(),
      })
      .optional(),
    budget: budgetSchema.optional(),
    durable: z.boolean().default(false),
    approvals: z
      .strictObject({
        default: approvalAction.optional(),
        tools: z.record(z.string(), approvalAction).optional(),
      })
      .optional(),
    outputSchema: configRecord().optional(),
    maxValidationRetries: z.int().nonnegative().default(2),
    maxResumeAttempts: z.int().nonnegative().default(3),
    maxToolOutputBytes: z
      .int()
      .min(256)
      .default(64 * 1024)
      .describe(
        'Largest tool output (UTF-8 bytes of its JSON) the model sees; a larger one is cut and ends with a `[output truncated: …]` marker. The tool still runs in full.',
      ),
    maxActiveRuns: positiveInt
      .optional()
      .describe(
        'Most runs of this agent that the queue lets run at once, across all workers (queued runs wait their turn).',
      ),
    triggers: triggerListSchema(),
    session: z
      .strictObject({
        onBusy: z
          .enum(['reject', 'enqueue', 'interrupt', 'steer', 'wait', 'fail'])
          .default('enqueue')
          .describe(
            'What a new run does when its session already has an active run: `reject` (fail with run.busy), `enqueue` (wait for it, up to waitMs), `interrupt` (stop it at its next safe point, resumable, then start), `steer` (send the new input into it and answer with its result). `wait` and `fail` are older names of `enqueue` and `reject`.',
          ),
        waitMs: positiveInt
          .default(30_000)
          .describe(
            'How long a new run waits for its session (`enqueue`, and `interrupt` while the active run stops).',
          ),
      })
      .optional(),
  });
}

/** `server:` — settings of `agentry serve` and `agentry dev` (read by the CLI, not by the runtime). */
function serverConfigSchema() {
  return z
    .strictObject({
      tokens: z
        .array(
          z.strictObject({
            role: z.enum(['viewer', 'approver', 'operator', 'admin']),
            token: z.string().min(16, 'a token needs at least 16 characters (e.g. `openssl rand -hex 24`)'),
            name: z.string().min(1).optional(),
          }),
        )
        .default([])
        .describe(
          'Bearer tokens the HTTP API accepts, with roles; keep the values in the environment and interpolate them with env references.',
        ),
    })
    .describe('Settings of `agentry serve` / `agentry dev`.');
}

/**
 * The whole config file. Objects are strict: an unknown key is an error with a did-you-mean.
 *
 * Its parts are behind getters, built on first use, not when `@agentry/core` is
 * imported (building them all costs ~10 ms). Zod reads a getter once, on the
 * first parse or walk of the shape, and keeps that schema (zod's own pattern
 * for recursive objects), so the schema behaves exactly as if built eagerly.
 */
export const agentryConfigSchema = z.strictObject({
  get version() {
    return z.literal(1);
  },
  get runtime() {
    return slotSchema('runtime').default('default');
  },
  get store() {
    return slotSchema('store').optional();
  },
  get events() {
    return slotListSchema('event-bus').optional();
  },
  get queue() {
    return slotSchema('queue')
      .default('local')
      .describe(
        'Where `runtime.enqueue` / `agentry run --queue` put runs for workers: `local` (in-process, the default) or `bullmq` (Redis or PostgreSQL, shared by `agentry worker` processes).',
      );
  },
  get models() {
    return z.record(z.string(), modelConfigSchema()).default({});
  },
  get agents() {
    return z.record(z.string(), agentConfigSchema()).default({});
  },
  get server() {
    return serverConfigSchema().optional();
  },
  get hooks() {
    return z
      .strictObject(runHooksShape())
      .optional()
      .describe("Run hooks of every agent: `beforeRun` before each agent's own, `afterRun` after them.");
  },
});

/** The validated config, defaults applied. */
export type AgentryConfig = z.output<typeof agentryConfigSchema>;
/** One validated agent. */
export type AgentConfig = z.output<ReturnType<typeof agentConfigSchema>>;
/** One validated model entry. */
export type ModelConfig = z.output<ReturnType<typeof modelConfigSchema>>;
/** One validated tool slot (a slot plus optional `approval`). */
export type ToolSlotConfig = z.output<ReturnType<typeof toolSlotSchema>>;

/** JSON Schema of the config file (input side: defaults are optional), for editors and `agentry schema`. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(agentryConfigSchema, { io: 'input' }) as Record<string, unknown>;
}
