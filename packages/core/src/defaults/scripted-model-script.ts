/** The script format of `ScriptedModel`: zod schema, validation with item-level errors, and loading from files. */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { yamlModule } from '../config/lazy-yaml.js';
import type { JsonValue } from '../contracts/json.js';
import { PluginError } from '../errors/agentry-error.js';
import type { ErrorCode } from '../errors/codes.js';

/** Fault kinds a script item can inject, and the `ModelError` code each becomes. */
export const SCRIPTED_FAULTS = {
  rate_limit: 'model.rate_limited',
  connection: 'model.connection',
  server: 'model.server_error',
  timeout: 'model.timeout',
  auth: 'model.auth',
  bad_request: 'model.bad_request',
  invalid_output: 'model.invalid_output',
} as const satisfies Record<string, ErrorCode>;

/** A fault kind (`rate_limit`, `connection`, …). */
export type ScriptedFault = keyof typeof SCRIPTED_FAULTS;

/** The zod schemas of script items. Built on first use: common items are checked without zod (`isSimpleItem`). */
function buildItemSchemas() {
  const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(jsonValue),
      z.record(z.string(), jsonValue),
    ]),
  );

  const toolCallSchema = z
    .object({
      tool: z.string().min(1).describe('Name of the tool the model calls.'),
      input: jsonValue.optional().describe('Arguments of the call (any JSON; default `{}`).'),
    })
    .strict();

  const whenSchema = z
    .object({
      lastTool: z
        .enum(['ok', 'error', 'denied'])
        .optional()
        .describe(
          'The tool results the model sees last: `denied` (a call was denied), `error` (a call failed), `ok` (all succeeded).',
        ),
      input: z
        .string()
        .min(1)
        .refine(isPattern, { message: 'not a valid regular expression' })
        .optional()
        .describe("A regular expression (case-insensitive) the user's latest input must match."),
    })
    .strict()
    .describe(
      'A reaction: this item answers only when the condition holds; otherwise the next item answers the same step.',
    );

  const responseItemSchema = z
    .object({
      when: whenSchema.optional(),
      text: z.string().optional().describe('Text of the response.'),
      toolCalls: z.array(toolCallSchema).optional().describe('Tool calls of the response, in order.'),
      finishReason: z
        .enum(['stop', 'tool-calls', 'length', 'content-filter', 'other'])
        .optional()
        .describe('Overrides the finish reason (default `tool-calls` when there are calls, else `stop`).'),
      usage: z
        .object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) })
        .strict()
        .optional()
        .describe('Overrides the estimated token usage of this call.'),
    })
    .strict()
    .refine((item) => item.text !== undefined || item.toolCalls !== undefined, {
      message: 'a response item needs `text` and/or `toolCalls` (or use `error` to inject a fault)',
    });

  const errorItemSchema = z
    .object({
      when: whenSchema.optional(),
      error: z
        .enum(Object.keys(SCRIPTED_FAULTS) as [ScriptedFault, ...ScriptedFault[]])
        .describe('Fault to inject: the call throws a ModelError with the matching code.'),
      message: z.string().optional().describe('Error message (default: a description of the fault).'),
      retryAfterMs: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe('For `rate_limit`: suggested wait before retrying.'),
    })
    .strict();

  const hangItemSchema = z
    .object({
      hang: z
        .literal(true)
        .describe('The call never answers; it rejects with the abort reason once the run is aborted.'),
    })
    .strict();

  // One script item: a response (plain text as shorthand), a fault, or a call that hangs until aborted.
  const scriptItemSchema = z.union([
    z.string().describe('Shorthand for `{ text }`.'),
    errorItemSchema,
    hangItemSchema,
    responseItemSchema,
  ]);
  return { responseItemSchema, errorItemSchema, hangItemSchema, scriptItemSchema, whenSchema };
}

type ItemSchemas = ReturnType<typeof buildItemSchemas>;

function isPattern(text: string): boolean {
  try {
    new RegExp(text, 'i');
    return true;
  } catch {
    return false;
  }
}

let builtSchemas: ItemSchemas | undefined;

function itemSchemas(): ItemSchemas {
  builtSchemas ??= buildItemSchemas();
  return builtSchemas;
}

/** One scripted model call. */
export type ScriptItem = z.input<ItemSchemas['scriptItemSchema']>;
/** A validated response item. */
export type ScriptedResponseItem = z.output<ItemSchemas['responseItemSchema']>;
/** A validated fault item. */
export type ScriptedErrorItem = z.output<ItemSchemas['errorItemSchema']>;
/** The condition of a reaction item (`when`). */
export type ScriptedCondition = z.output<ItemSchemas['whenSchema']>;
/** A validated hang item (for cancellation and timeout tests). */
export type ScriptedHangItem = z.output<ItemSchemas['hangItemSchema']>;

/** A validated script with where it came from (file path or inline). */
export interface LoadedScript {
  items: (ScriptedResponseItem | ScriptedErrorItem | ScriptedHangItem)[];
  /** `file demo.script.yaml` or `inline script`: used in error messages. */
  source: string;
}

/** Item lists `validateScript` returned: a model created from one (the builtin plugin's) does not check it again. */
const validated = new WeakSet<readonly unknown[]>();

/** True when `items` is a list `validateScript` returned. */
export function isValidatedScript(items: readonly unknown[]): items is LoadedScript['items'] {
  return validated.has(items);
}

/** Describes where an item's problem is; `locate` maps a key path to `file:line:col` when known. */
function describeIssues(
  error: z.ZodError,
  source: string,
  locate: (path: readonly PropertyKey[]) => string | undefined,
): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const [index, ...rest] = issue.path;
      const where = typeof index === 'number' ? `item ${index}` : 'script';
      const field = rest.length > 0 ? ` (${rest.join('.')})` : '';
      const at = locate(issue.path);
      return `${where}${field}: ${issue.message}${at ? ` at ${at}` : ''}`;
    })
    .join('; ')
    .concat(` in ${source}`);
}

function isJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth > 32 || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isJson(item, depth + 1));
}

/** The common item shapes, checked without zod (long benchmark scripts validate in milliseconds). */
function isSimpleItem(value: object): boolean {
  let content = false;
  for (const [key, field] of Object.entries(value)) {
    if (key === 'text') {
      if (typeof field !== 'string') return false;
    } else if (key === 'toolCalls') {
      if (!Array.isArray(field)) return false;
      for (const call of field as unknown[]) {
        if (typeof call !== 'object' || call === null) return false;
        for (const [callKey, callField] of Object.entries(call)) {
          if (callKey === 'tool' ? typeof callField !== 'string' || callField === '' : callKey !== 'input')
            return false;
          if (callKey === 'input' && !isJson(callField)) return false;
        }
        if (typeof (call as { tool?: unknown }).tool !== 'string') return false;
      }
    } else {
      return false;
    }
    content = true;
  }
  return content;
}

/** Validates one item against the schema its shape selects, so errors describe that shape only. */
function itemIssues(value: unknown, index: number): z.core.$ZodIssue[] {
  if (typeof value === 'string') return [];
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && isSimpleItem(value)) return [];
  return itemSchemaIssues(value, index);
}

/** `itemIssues` of an item that is not a common shape: checked by zod, or refused when it is not an object. */
function itemSchemaIssues(value: unknown, index: number): z.core.$ZodIssue[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      {
        code: 'custom',
        path: [index],
        message: 'an item must be a string or an object with `text`, `toolCalls` or `error`',
        input: value,
      },
    ];
  }
  const { errorItemSchema, hangItemSchema, responseItemSchema } = itemSchemas();
  const schema = 'error' in value ? errorItemSchema : 'hang' in value ? hangItemSchema : responseItemSchema;
  const result = schema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] }));
}

/**
 * Validates a script (array of items) once, at creation time. Throws
 * `PluginError('plugin.config_invalid')` naming the item index and what is
 * wrong.
 */
export function validateScript(
  value: unknown,
  source: string,
  locate: (path: readonly PropertyKey[]) => string | undefined = () => undefined,
): LoadedScript {
  const issues: z.core.$ZodIssue[] = [];
  if (Array.isArray(value) && value.length > 0) {
    for (const [index, item] of value.entries()) issues.push(...itemIssues(item, index));
  } else {
    const message = Array.isArray(value) ? 'the script is empty' : 'the script must be a list of items';
    issues.push({ code: 'custom', path: [], message, input: value });
  }
  if (issues.length > 0) throw invalidScript(issues, source, locate);
  const items = (value as z.output<ItemSchemas['scriptItemSchema']>[]).map((item) =>
    typeof item === 'string' ? { text: item } : item,
  );
  validated.add(items);
  return { items, source };
}

function invalidScript(
  issues: z.core.$ZodIssue[],
  source: string,
  locate: (path: readonly PropertyKey[]) => string | undefined,
): PluginError {
  return new PluginError('plugin.config_invalid', {
    message: `Invalid scripted model script: ${describeIssues(new z.ZodError(issues), source, locate)}`,
    hint: 'Each item is a string, `{ text?, toolCalls?: [{ tool, input }] }`, `{ error: rate_limit|connection|server|timeout|auth|bad_request|invalid_output }` or `{ hang: true }`.',
    context: { plugin: 'scripted' },
  });
}

/**
 * Reads a script file (YAML or JSON) relative to `baseDir`. The file holds a
 * list of items, or an object with a `script` list.
 */
export function loadScriptFile(path: string, baseDir: string): LoadedScript {
  const absolute = isAbsolute(path) ? path : resolve(baseDir, path);
  const source = `file ${path}`;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new PluginError('plugin.config_invalid', {
      message: `Cannot read the scripted model script ${path} (resolved to ${absolute}): ${(error as Error).message}`,
      hint: 'The `script` path is relative to the config file; check that the file exists.',
      cause: error,
      context: { plugin: 'scripted' },
    });
  }
  const { LineCounter, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  const extension = extname(absolute).toLowerCase();
  if (document.errors.length > 0) {
    throw new PluginError('plugin.config_invalid', {
      message: `Cannot parse the scripted model script ${path}: ${document.errors[0]!.message}`,
      hint: `Fix the ${extension === '.json' ? 'JSON' : 'YAML'} syntax at the position shown.`,
      context: { plugin: 'scripted' },
    });
  }
  const data: unknown = document.toJS({ maxAliasCount: 100 });
  const isWrapped = typeof data === 'object' && data !== null && !Array.isArray(data) && 'script' in data;
  const prefix = isWrapped ? ['script'] : [];
  const items = isWrapped ? (data as { script: unknown }).script : data;
  const locate = (issuePath: readonly PropertyKey[]): string | undefined => {
    const node = document.getIn([...prefix, ...issuePath.filter((key) => typeof key !== 'symbol')], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (!node?.range) return undefined;
    const position = lineCounter.linePos(node.range[0]);
    return `${path}:${position.line}:${position.col}`;
  };
  return validateScript(items, source, locate);
}
