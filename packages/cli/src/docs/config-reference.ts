/** Generates docs/reference/config.md from the config's JSON Schema, so the page cannot drift from the schema. */

type Schema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  $ref?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  [key: string]: unknown;
};

function resolveRef(root: Schema, schema: Schema): Schema {
  if (schema.$ref === undefined) return schema;
  const parts = schema.$ref.replace(/^#\//, '').split('/');
  let target: unknown = root;
  for (const part of parts) target = (target as Record<string, unknown>)[part];
  return resolveRef(root, {
    ...(target as Schema),
    ...(schema.description ? { description: schema.description } : {}),
  });
}

/** True for a plugin slot: a builtin name, `{ type, config }` or `{ impl, config }`. */
function isSlot(root: Schema, raw: Schema): boolean {
  const options = resolveRef(root, raw).anyOf?.map((option) => resolveRef(root, option));
  if (options === undefined) return false;
  return (
    options.some((option) => option.type === 'string') &&
    options.some((option) => option.properties?.type !== undefined) &&
    options.some((option) => option.properties?.impl !== undefined)
  );
}

/** True for "one slot or a list of slots". */
function isSlotList(root: Schema, raw: Schema): boolean {
  const options = resolveRef(root, raw).anyOf;
  return (
    options !== undefined &&
    options.length === 2 &&
    options.some((option) => isSlot(root, option)) &&
    options.some((option) => {
      const resolved = resolveRef(root, option);
      return resolved.type === 'array' && resolved.items !== undefined && isSlot(root, resolved.items);
    })
  );
}

function typeOf(root: Schema, raw: Schema): string {
  const schema = resolveRef(root, raw);
  if (isSlot(root, schema)) return '[slot](#plugin-slots)';
  if (isSlotList(root, schema)) return '[slot](#plugin-slots) or list of slots';
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum !== undefined)
    return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union !== undefined) return [...new Set(union.map((option) => typeOf(root, option)))].join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(root, schema.items) : 'any'}[]`;
  if (
    schema.type === 'object' &&
    schema.properties === undefined &&
    typeof schema.additionalProperties === 'object'
  ) {
    return `map of ${typeOf(root, schema.additionalProperties)}`;
  }
  if (schema.type === 'object' && schema.properties !== undefined) return 'object';
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  if (schema.type === 'integer' && schema.exclusiveMinimum === 0) return 'integer > 0';
  if (schema.type === 'integer' && schema.minimum === 0) return 'integer ≥ 0';
  return schema.type ?? 'any';
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** Object schemas worth their own table, found under `schema`, with the key path to reach them. */
function objectSections(
  root: Schema,
  raw: Schema,
  path: string,
  seen: Set<string>,
  out: { path: string; schema: Schema }[],
): void {
  const schema = resolveRef(root, raw);
  if (isSlot(root, schema) || isSlotList(root, schema)) return;
  if (schema.properties !== undefined) {
    const variant = (schema.properties.type as { const?: unknown } | undefined)?.const;
    const key = `${path}:${Object.keys(schema.properties).sort().join(',')}:${String(variant)}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, schema });
    for (const [key, child] of Object.entries(schema.properties))
      objectSections(root, child, `${path}.${key}`, seen, out);
    return;
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union !== undefined) {
    for (const option of union) objectSections(root, option, path, seen, out);
    return;
  }
  if (schema.type === 'array' && schema.items !== undefined)
    objectSections(root, schema.items, `${path}[]`, seen, out);
  if (typeof schema.additionalProperties === 'object') {
    objectSections(root, schema.additionalProperties, `${path}.<name>`, seen, out);
  }
}

/** Descriptions used where the schema has none (keys of the top level and of an agent). */
const FALLBACK_DESCRIPTIONS: Record<string, string> = {
  '.version': 'Config format version; always `1`.',
  '.runtime': 'The orchestrator (`default` = DefaultRuntime).',
  '.store':
    'Where sessions, runs, checkpoints and events are kept (`memory`, `sqlite`, `file`, `redis`, `postgres`). `memory` keeps the newest 1000 finished runs of the last 24 hours; change it with `{ type: memory, config: { retention: { maxRuns, maxAgeMs } } }`.',
  '.events': 'Event buses; several make a chain (`mitt`, `ndjson-file`, `console`, `otel`, `redis`).',
  '.models': 'Models by name; agents refer to them with `model: <name>`.',
  '.agents': 'Agents by name; `agentry run <name>` runs one.',
  '.models.<name>.provider':
    'Builtin model provider (`openai`, `anthropic`, `openai-compatible`, `scripted`); the other keys are its config.',
  '.models.<name>.model': 'Model id sent to the provider.',
  '.models.<name>.apiKey':
    'API key (secret: always redacted). Providers read their usual environment variable when unset.',
  '.models.<name>.pricing': 'USD per million tokens; enables the `maxCostUsd` budget.',
  '.models.<name>.impl': 'Your own model: `<package or file>#<export>`.',
  '.models.<name>.config': 'Config passed to your model plugin.',
  '.models.<name>.pricing.inputPerMillion': 'USD per million input tokens.',
  '.models.<name>.pricing.outputPerMillion': 'USD per million output tokens.',
  '.agents.<name>.budget.maxSteps': 'Model calls per run.',
  '.agents.<name>.budget.maxToolCalls': 'Tool calls per run.',
  '.agents.<name>.budget.maxInputTokens': 'Input tokens per run.',
  '.agents.<name>.budget.maxOutputTokens': 'Output tokens per run.',
  '.agents.<name>.budget.maxTotalTokens': 'Input plus output tokens per run.',
  '.agents.<name>.budget.maxCostUsd': 'Cost per run in USD (needs `pricing` on the model).',
  '.agents.<name>.budget.maxDurationMs': 'Wall time per run; the run stops with `timeout`.',
  '.agents.<name>.hooks.before': 'Before hooks: may veto a call or rewrite its input.',
  '.agents.<name>.hooks.after': 'After hooks: may rewrite the outcome; always run.',
  '.agents.<name>.approvals.default': 'Action for tools not listed.',
  '.agents.<name>.approvals.tools': 'Action per tool name.',
  '.agents.<name>.session.onBusy':
    'What a new run does while its session has an active run (in any process): `reject` (fail with `run.busy`), `enqueue` (wait for it), `interrupt` (stop it at its next safe point, resumable, then start), `steer` (send the new input into it and answer with its result; see the steering guide). `wait` and `fail` are the older names of `enqueue` and `reject`. A request overrides it with `sessionPolicy`.',
  '.agents.<name>.session.waitMs':
    'How long a new run waits for its session (`enqueue`, and `interrupt` while the active run stops).',
  '.agents.<name>.model': 'Name of a model under `models`.',
  '.agents.<name>.instructions': 'System instructions of the agent.',
  '.agents.<name>.description': 'One line about the agent (shown when it is used as a tool).',
  '.agents.<name>.pattern': 'The agent loop (`tool-loop`, `plan-execute`, `reflexion`).',
  '.agents.<name>.memory': 'What the agent remembers across runs of a session.',
  '.agents.<name>.context': 'Builds what the model sees each step.',
  '.agents.<name>.toolExecutor':
    'Runs tool calls (timeouts, retries, concurrency, policies); a list wraps in order.',
  '.agents.<name>.tools': 'Tools the model may call; each slot may add `approval: never | always`.',
  '.agents.<name>.hooks': 'Implementation paths of before/after tool hooks, run in the listed order.',
  '.agents.<name>.budget':
    'Limits the runtime enforces; each exceeded limit stops the run with its own stop reason.',
  '.agents.<name>.durable':
    'Checkpoint after every model response and every result of a tool with side effects (a side-effect-free result is saved with the next checkpoint).',
  '.agents.<name>.approvals': 'Approval policy: `default` and per-tool `allow | deny | ask`.',
  '.agents.<name>.outputSchema': 'JSON Schema the final answer must satisfy.',
  '.agents.<name>.maxValidationRetries':
    'How often an answer that fails `outputSchema` is sent back to the model.',
  '.agents.<name>.maxResumeAttempts':
    'Automatic resumes after retryable errors (rate limits, 5xx, timeouts).',
  '.agents.<name>.session': 'What a run does when another run holds its session.',
};

function table(root: Schema, schema: Schema, path: string): string[] {
  const required = new Set(schema.required ?? []);
  return [
    '| key | type | required | default | description |',
    '|---|---|---|---|---|',
    ...Object.entries(schema.properties ?? {}).map(([key, raw]) => {
      const child = resolveRef(root, raw);
      const fallback = child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``;
      const description = child.description ?? FALLBACK_DESCRIPTIONS[`${path}.${key}`] ?? '';
      return `| \`${key}\` | ${typeOf(root, child)} | ${required.has(key) ? 'yes' : ''} | ${fallback} | ${cell(description)} |`;
    }),
  ];
}

/** Markdown reference of the config file from its JSON Schema. */
export function configReference(schema: Record<string, unknown>): string {
  const root = schema as Schema;
  const sections: { path: string; schema: Schema }[] = [];
  objectSections(root, root, '', new Set(), sections);
  const lines = [
    '# Config reference (`agentry.yaml`)',
    '',
    '<!-- Generated by `npm run docs -w @agentry/cli` from the config JSON Schema. Do not edit by hand: a test fails when it drifts. -->',
    '',
    'Agentry finds its config with `--config <file>`, then `AGENTRY_CONFIG`, then `agentry.yaml`, `agentry.yml`,',
    '`agentry.config.yaml`, `.agentryrc*` or `"agentry"` in package.json from the working directory up to the project root.',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the config's ${env:…} syntax
    'Values follow CLI flags > environment (`${env:NAME}`, `${env:NAME:-default}`) > file > defaults; `agentry config explain`',
    'shows the resolved values and where each came from. Unknown keys are errors with a did-you-mean; `agentry validate`',
    'lists every problem with `file:line:col`. For editor completion: `agentry schema --out agentry.schema.json`.',
    'A config file may be at most 4 MiB (`AGENTRY_CONFIG_MAX_BYTES` sets another cap in bytes; `loadConfig({ maxBytes })` in',
    'code); a larger one is refused with `config.too_large` before it is parsed. Duplicate keys are errors (`config.syntax`).',
    '',
    'A plugin slot takes a builtin name (`memory: window`), `{ type, config }` or `{ impl: "<specifier>#<export>", config }`;',
    "`agentry plugins` lists the builtins. A slot's `config` is checked by the plugin's own schema when the runtime loads it.",
    '',
  ];
  const titles = new Map<string, number>();
  for (const section of sections) {
    const base = section.path === '' ? 'Top level' : `\`${section.path.slice(1)}\``;
    const count = (titles.get(base) ?? 0) + 1;
    titles.set(base, count);
    const keys = Object.keys(section.schema.properties ?? {});
    // A union told apart by a `type` constant (triggers) is titled by it.
    const variant = (section.schema.properties?.type as { const?: unknown } | undefined)?.const;
    const title =
      typeof variant === 'string'
        ? `${base} (\`type: ${variant}\`)`
        : count === 1
          ? base
          : `${base} (with \`${keys.find((key) => key === 'impl') ?? keys[0]}\`)`;
    lines.push(`## ${title}`, '');
    if (section.schema.description) lines.push(section.schema.description, '');
    lines.push(...table(root, section.schema, section.path), '');
  }
  lines.push(
    '## Plugin slots',
    '',
    'Every key typed *slot* names one plugin of its kind, in one of three forms:',
    '',
    '| form | example |',
    '|---|---|',
    '| builtin name | `memory: window` |',
    '| `{ type, config }` | `memory: { type: window, config: { maxMessages: 20 } }` |',
    '| `{ impl, config }` | `memory: { impl: ./my-memory.ts#NotesMemory, config: {} }` |',
    '',
    '`type` and `impl` together is an error. `impl` is `<package or relative file>#<export>`; `.ts` files load as is.',
    'A tool slot also takes `approval: never | always`; builtin tools with an `approval` config key (`write-file`, `shell` …) take it there too, but setting both on one slot is an error. "List of slots" means a chain: the first listed sees the call first.',
    'The builtins of each kind, with their implementation paths: `agentry plugins`.',
    '',
  );
  return `${lines.join('\n').trimEnd()}\n`;
}
