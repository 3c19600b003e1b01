/** The zod schema of `agents.<id>.triggers`: cron, interval, webhook and event triggers. */
import { z } from 'zod';
import { cronProblem, isTimeZone, parseEvery } from './schedule.js';
import { compileTemplate, TemplateError } from './template.js';
import { payloadPathProblem } from './trigger-payloads.js';

/**
 * The four trigger types. Built on first use (a config with triggers, or the config's JSON Schema), not when
 * `@agentry/core` is imported: most configs have no triggers, and zod schemas cost their construction.
 */
function buildTriggerTypes() {
  const duration = z
    .union([z.int().positive(), z.string()])
    .refine((value) => parseEvery(value) !== undefined, {
      message: 'not a duration: write milliseconds or e.g. 1500ms, 30s, 5m, 2h',
    });

  const template = z.string().min(1);

  const common = {
    id: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'letters, digits, _, . and - (not starting with . or -)')
      .describe(
        "The trigger's id, unique within its agent (events and stored state name it `<agent>.<id>`).",
      ),
    input: template.describe(
      'The run input: a template filled from the firing (`{{payload.title}}`, `{{firedAt}}`).',
    ),
    session: template
      .optional()
      .describe(
        'A session id template; runs of one session see its history and never overlap. Default: a session per run.',
      ),
    deadline: duration
      .optional()
      .describe(
        'The run must start within this long of the firing (else it is skipped, `deadline`) and stops then.',
      ),
  };

  const overlap = z
    .enum(['skip', 'queue', 'allow'])
    .default('skip')
    .describe(
      "When this trigger's previous run is still active: skip the tick, queue it behind, or allow both.",
    );
  const misfire = z
    .enum(['skip', 'run-once'])
    .default('skip')
    .describe('Ticks missed while nothing ran (downtime): skip them, or run once at start.');

  const cronTrigger = z.strictObject({
    ...common,
    type: z.literal('cron'),
    cron: z
      .string()
      .superRefine((expression, context) => {
        const problem = cronProblem(expression);
        if (problem)
          context.addIssue({ code: 'custom', message: `bad cron expression: ${problem}`, input: expression });
      })
      .describe('A cron expression: 5 fields, or 6 with seconds first (`*/10 * * * * *`).'),
    timezone: z
      .string()
      .refine(isTimeZone, { message: 'not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)' })
      .optional()
      .describe('IANA time zone of the expression (default UTC).'),
    overlap,
    misfire,
  });

  const intervalTrigger = z.strictObject({
    ...common,
    type: z.literal('interval'),
    every: duration.describe('Time between ticks: milliseconds or e.g. 1500ms, 30s, 5m.'),
    overlap,
    misfire,
  });

  const webhookTrigger = z.strictObject({
    ...common,
    type: z.literal('webhook'),
    path: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'segments of letters, digits, _ and -, joined by /')
      .describe('Served at `POST /hooks/<path>` by `agentry serve`.'),
    schema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON Schema the payload must satisfy (else 422).'),
    signature: z
      .strictObject({
        format: z
          .enum(['github', 'stripe', 'hmac-sha256'])
          .describe(
            '`github`: X-Hub-Signature-256 `sha256=<hex>`; `stripe`: Stripe-Signature `t=…,v1=…`; `hmac-sha256`: a hex digest in `header`.',
          ),
        secretEnv: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
          .describe(
            'The environment variable holding the signing secret (the secret never goes in the file).',
          ),
        header: z.string().min(1).optional().describe('For `hmac-sha256`: the header (default X-Signature).'),
        toleranceSec: z.int().positive().default(300).describe('For `stripe`: largest age of the timestamp.'),
      })
      .optional()
      .describe('HMAC signature check (a request without a valid one gets 401 and starts nothing).'),
    idempotencyKey: z
      .union([
        z.strictObject({ header: z.string().min(1).describe('A request header, e.g. X-GitHub-Delivery.') }),
        z.strictObject({ field: z.string().min(1).describe('A dotted payload path, e.g. id.') }),
      ])
      .optional()
      .describe(
        'Where the delivery id is: a redelivery with a seen key starts no run and returns the first runId.',
      ),
  });

  const matchValue = z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.strictObject({
      in: z
        .array(z.unknown())
        .min(1)
        .refine(
          (values) =>
            values.every((value) => value === null || ['string', 'number', 'boolean'].includes(typeof value)),
          {
            message: 'list strings, numbers, booleans or null',
          },
        ),
    }),
  ]);

  const eventTrigger = z.strictObject({
    ...common,
    type: z.literal('event'),
    event: z
      .string()
      .min(1)
      .describe('`run.completed` / `run.failed` of another agent, or a name given to `runtime.publish`.'),
    from: z.string().min(1).optional().describe('For run events: only runs of this agent.'),
    where: z
      .record(z.string(), matchValue)
      .default({})
      .describe('Dotted payload paths and the value (or `{ in: [...] }`) each must have.'),
  });

  return [cronTrigger, intervalTrigger, webhookTrigger, eventTrigger] as const;
}

let triggerTypes: ReturnType<typeof buildTriggerTypes> | undefined;

/** One trigger of an agent. */
export function triggerSchema() {
  triggerTypes ??= buildTriggerTypes();
  return z.discriminatedUnion('type', triggerTypes).superRefine((trigger, context) => {
    for (const key of ['input', 'session'] as const) {
      const source = trigger[key];
      if (source === undefined) continue;
      try {
        for (const path of compileTemplate(source).paths) {
          const problem = payloadPathProblem(trigger, path);
          if (problem) context.addIssue({ code: 'custom', path: [key], message: problem, input: source });
        }
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `bad template: ${error.message}`,
          input: source,
        });
      }
    }
  });
}

/** `agents.<id>.triggers`, with ids unique within the agent. */
export function triggerListSchema() {
  return z
    .array(triggerSchema())
    .default([])
    .superRefine((triggers, context) => {
      const seen = new Set<string>();
      for (const [index, trigger] of triggers.entries()) {
        if (seen.has(trigger.id)) {
          context.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `trigger id "${trigger.id}" is used twice`,
            input: trigger.id,
          });
        }
        seen.add(trigger.id);
      }
    })
    .describe('Triggers that start runs of this agent on their own: cron, interval, webhook, event.');
}

/** One validated trigger. */
export type TriggerConfig = z.output<ReturnType<typeof triggerSchema>>;
/** One trigger as written (defaults not applied yet): what agents defined in code pass. */
export type TriggerInput = z.input<ReturnType<typeof triggerSchema>>;
