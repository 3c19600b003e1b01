/**
 * A fast path of config validation for the common shapes (builtin slots by name, models by provider, agents
 * with model, instructions, budget and builtin tools): it gives exactly what `agentryConfigSchema.parse`
 * would, without building the zod schema (building it is most of a first `createRuntime`). Anything else —
 * and every invalid config — returns `undefined`, and the caller validates with zod, which explains errors.
 * `fast-config.test.ts` holds this equal to zod's output, defaults and key order included.
 */
import type { PluginKind } from '../contracts/plugin.js';
import type { Redactor } from '../contracts/services.js';
import { findBuiltin } from './builtin-plugins.js';
import type { AgentryConfig } from './schema.js';

type Plain = Record<string, unknown>;

const TOP_KEYS = new Set(['version', 'runtime', 'store', 'events', 'queue', 'models', 'agents']);
const AGENT_KEYS = new Set([
  'model',
  'instructions',
  'description',
  'pattern',
  'memory',
  'context',
  'toolExecutor',
  'tools',
  'budget',
  'durable',
  'maxValidationRetries',
  'maxResumeAttempts',
  'maxToolOutputBytes',
  'maxActiveRuns',
]);
/** Budget keys in schema order, with the least value each accepts (integers, except `maxCostUsd`). */
const BUDGET: readonly (readonly [key: string, least: number, integer: boolean])[] = [
  ['maxSteps', 1, true],
  ['maxToolCalls', 0, true],
  ['maxInputTokens', 1, true],
  ['maxOutputTokens', 1, true],
  ['maxTotalTokens', 1, true],
  ['maxCostUsd', Number.MIN_VALUE, false],
  ['maxDurationMs', 1, true],
];
const BUDGET_KEYS: ReadonlySet<string> = new Set(BUDGET.map(([key]) => key));
/** Model keys that take the schema's other branch or need checks the fast path does not make. */
const MODEL_SLOW_KEYS = new Set(['impl', 'config', 'pricing', 'rateLimit']);

/** Thrown inside the walk when the value leaves the fast path. */
const SLOW = Symbol('slow');

function plain(value: unknown): Plain {
  if (typeof value !== 'object' || value === null) throw SLOW;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw SLOW;
  for (const key of Object.keys(value)) if ((value as Plain)[key] === undefined) throw SLOW;
  return value as Plain;
}

function onlyKeys(value: Plain, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) if (!allowed.has(key)) throw SLOW;
}

function builtin(kind: PluginKind, value: unknown): string {
  if (typeof value !== 'string' || value === '' || findBuiltin(kind, value) === undefined) throw SLOW;
  return value;
}

function text(value: unknown, nonEmpty = false): string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) throw SLOW;
  return value;
}

function count(value: unknown, least: number, integer = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < least) throw SLOW;
  if (integer && !Number.isSafeInteger(value)) throw SLOW;
  return value;
}

/** Copies `key` from `from` through `check` when present (optional keys stay absent). */
function copy(to: Plain, from: Plain, key: string, check: (value: unknown) => unknown): void {
  if (Object.hasOwn(from, key)) to[key] = check(from[key]);
}

function model(value: unknown): Plain {
  const entry = plain(value);
  for (const key of Object.keys(entry)) if (MODEL_SLOW_KEYS.has(key)) throw SLOW;
  const out: Plain = { provider: builtin('model', entry.provider) };
  copy(out, entry, 'model', (item) => text(item, true));
  copy(out, entry, 'apiKey', (item) => text(item));
  // A provider model is a loose object: its other keys (the provider's config) pass through as they are.
  for (const key of Object.keys(entry)) if (!Object.hasOwn(out, key)) out[key] = entry[key];
  return out;
}

function agent(value: unknown): Plain {
  const entry = plain(value);
  onlyKeys(entry, AGENT_KEYS);
  const out: Plain = { model: text(entry.model, true) };
  copy(out, entry, 'instructions', (item) => text(item));
  copy(out, entry, 'description', (item) => text(item));
  copy(out, entry, 'pattern', (item) => builtin('pattern', item));
  copy(out, entry, 'memory', (item) => builtin('memory', item));
  copy(out, entry, 'context', (item) => builtin('context-assembler', item));
  copy(out, entry, 'toolExecutor', (item) => builtin('tool-executor', item));
  const tools = entry.tools ?? [];
  if (!Array.isArray(tools)) throw SLOW;
  out.tools = tools.map((tool) => builtin('tool', tool));
  copy(out, entry, 'budget', (item) => {
    const budget = plain(item);
    onlyKeys(budget, BUDGET_KEYS);
    const checked: Plain = {};
    for (const [key, least, integer] of BUDGET) copy(checked, budget, key, (n) => count(n, least, integer));
    return checked;
  });
  const durable = entry.durable ?? false;
  if (typeof durable !== 'boolean') throw SLOW;
  out.durable = durable;
  out.maxValidationRetries = count(entry.maxValidationRetries ?? 2, 0);
  out.maxResumeAttempts = count(entry.maxResumeAttempts ?? 3, 0);
  out.maxToolOutputBytes = count(entry.maxToolOutputBytes ?? 64 * 1024, 256);
  copy(out, entry, 'maxActiveRuns', (item) => count(item, 1));
  // An agent with triggers is left to zod (`triggers` is not in AGENT_KEYS): here it has none.
  out.triggers = [];
  return out;
}

function record(value: unknown, each: (item: unknown) => Plain): Plain {
  if (value === undefined) return {};
  const entries = plain(value);
  const out: Plain = {};
  for (const key of Object.keys(entries)) out[key] = each(entries[key]);
  return out;
}

/** The validated config when `value` is on the fast path and valid; `undefined` to validate with zod. */
export function fastConfig(value: unknown): AgentryConfig | undefined {
  try {
    const config = plain(value);
    onlyKeys(config, TOP_KEYS);
    if (config.version !== 1) return undefined;
    const out: Plain = { version: 1, runtime: builtin('runtime', config.runtime ?? 'default') };
    copy(out, config, 'store', (item) => builtin('store', item));
    copy(out, config, 'events', (item) => builtin('event-bus', item));
    out.queue = builtin('queue', config.queue ?? 'local');
    out.models = record(config.models, model);
    out.agents = record(config.agents, agent);
    return out as unknown as AgentryConfig;
  } catch (error) {
    if (error === SLOW) return undefined;
    throw error;
  }
}

/** What `registerSchemaSecrets` registers for a fast-path config: the models' `apiKey`s. */
export function registerFastSecrets(config: AgentryConfig, redactor: Redactor): void {
  for (const entry of Object.values(config.models)) {
    const apiKey = (entry as { apiKey?: unknown }).apiKey;
    if (typeof apiKey === 'string') redactor.addSecret(apiKey);
  }
}
