/**
 * The plugin checks of `agentry validate`: every slot of the config, each problem as a located issue.
 * Without `load`, no user code is imported: builtin configs are checked against their plugins' schemas (a
 * builtin's own module is imported), `impl` files are resolved, and their named export is looked for in
 * the source where that can be read. With `load`, every `impl` is imported and checked like `run` does.
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  type ConfigIssue,
  isPluginError,
  type ModelConfig,
  type PluginKind,
} from '@agentry/core';
import { type LoadableSlot, PluginLoader, parseImplSpecifier, resolveImpl } from '@agentry/core/internal';
import type { LoadedConfig } from './core-api.js';
import { implReferences } from './impl-check.js';
import { didYouMean } from './render/suggest.js';
import { webhookSchemaIssues } from './trigger-check.js';

type Path = (string | number)[];

/** One plugin slot of the config. */
interface SlotReference {
  kind: PluginKind;
  slot: LoadableSlot;
  path: Path;
}

const AGENT_SLOTS: readonly (readonly [string, PluginKind])[] = [
  ['pattern', 'pattern'],
  ['memory', 'memory'],
  ['context', 'context-assembler'],
  ['toolExecutor', 'tool-executor'],
  ['tools', 'tool'],
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function slotsAt(kind: PluginKind, value: unknown, at: Path): SlotReference[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => slotsAt(kind, item, [...at, index]));
  return [{ kind, slot: value as LoadableSlot, path: at }];
}

/** Every plugin slot except models: runtime, store, events and each agent's slots and tools. */
function slotReferences(config: Record<string, unknown>): SlotReference[] {
  const found = [
    ...slotsAt('runtime', config.runtime, ['runtime']),
    ...slotsAt('store', config.store, ['store']),
    ...slotsAt('event-bus', config.events, ['events']),
  ];
  for (const [name, agent] of Object.entries(isRecord(config.agents) ? config.agents : {})) {
    if (!isRecord(agent)) continue;
    for (const [key, kind] of AGENT_SLOTS) found.push(...slotsAt(kind, agent[key], ['agents', name, key]));
  }
  return found;
}

function isImplSlot(slot: unknown): boolean {
  return isRecord(slot) && typeof slot.impl === 'string';
}

const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
const DECLARED =
  /export\s+(?:declare\s+)?(?:const|let|var|enum|(?:abstract\s+)?class|(?:async\s+)?function\s*\*?)\s+([A-Za-z_$][\w$]*)/g;
const LISTED = /export\s*(?:type\s*)?\{([^}]*)\}(?!\s*from)/g;
const LISTED_FROM = /export\s*(?:type\s*)?\{([^}]*)\}\s*from/g;

/**
 * The names a module's source exports, or `undefined` when that cannot be read from the text (a re-export
 * of a whole module, CommonJS `module.exports`, or no ESM export syntax at all).
 */
export function exportedNames(source: string): Set<string> | undefined {
  if (/export\s*\*/.test(source) || /module\.exports|exports\.[A-Za-z_$]/.test(source)) return undefined;
  const names = new Set<string>();
  for (const match of source.matchAll(DECLARED)) names.add(match[1]!);
  for (const pattern of [LISTED, LISTED_FROM]) {
    for (const match of source.matchAll(pattern)) {
      for (const part of match[1]!.split(',')) {
        const words = part
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/);
        const name = (words[1] ?? words[0])?.trim();
        if (name) names.add(name);
      }
    }
  }
  if (/export\s+default\b/.test(source)) names.add('default');
  return names.size === 0 ? undefined : names;
}

/** Without importing: the impl resolves to a file (or package) and, in a readable source, has the export. */
function implIssues(impl: string, at: Path, loaded: LoadedConfig): ConfigIssue[] {
  const located = (message: string, hint?: string, code?: ConfigIssue['code']): ConfigIssue[] => {
    const location = loaded.locate(at);
    return [
      {
        message,
        path: at,
        ...(code === undefined ? {} : { code }),
        ...(location === undefined ? {} : { location }),
        ...(hint === undefined ? {} : { hint }),
      },
    ];
  };
  let file: string;
  let exportName: string;
  try {
    const parsed = parseImplSpecifier(impl);
    exportName = parsed.exportName;
    const resolved = resolveImpl(impl, parsed.specifier, { baseDir: loaded.baseDir });
    if (resolved.type === 'core') return [];
    file = resolved.file;
  } catch (error) {
    if (!isPluginError(error)) throw error;
    const code =
      error.code === 'plugin.impl_refused' || error.code === 'plugin.not_found' ? error.code : undefined;
    return located(error.message, error.hint, code);
  }
  if (!SOURCE_FILE.test(file) || file.includes(`${path.sep}node_modules${path.sep}`)) return [];
  const names = exportedNames(readFileSync(file, 'utf8'));
  if (names === undefined || names.has(exportName)) return [];
  const listed = [...names].filter((name) => name !== 'default');
  return located(
    `impl "${impl}": ${path.relative(loaded.baseDir, file)} has no export "${exportName}".${didYouMean(exportName, listed)}`,
    listed.length === 0 ? 'export the plugin by that name' : `its exports: ${listed.join(', ')}`,
    'plugin.not_found',
  );
}

/** A scripted model's `script` file must exist (it is read when the model is created). */
function scriptIssues(name: string, model: unknown, loaded: LoadedConfig): ConfigIssue[] {
  if (!isRecord(model) || model.provider !== 'scripted' || typeof model.script !== 'string') return [];
  if (existsSync(path.resolve(loaded.baseDir, model.script))) return [];
  const at = ['models', name, 'script'];
  const location = loaded.locate(at);
  return [
    {
      message: `script file ${model.script} does not exist`,
      path: at,
      ...(location === undefined ? {} : { location }),
      hint: 'create it (one item per model call) or fix the path (relative to the config file)',
    },
  ];
}

/**
 * Every plugin problem of `loaded`, each at its YAML line; `[]` when every slot would load. With `load`
 * false, only builtin modules are imported.
 */
export async function pluginIssues(loaded: LoadedConfig, options: { load: boolean }): Promise<ConfigIssue[]> {
  const config = loaded.config as unknown as Record<string, unknown>;
  const loader = PluginLoader.fromConfig(loaded);
  const checks: Promise<ConfigIssue[]>[] = [];
  for (const reference of slotReferences(config)) {
    if (isImplSlot(reference.slot) && !options.load) continue;
    checks.push(loader.check(reference.kind, reference.slot, reference.path));
  }
  for (const [name, model] of Object.entries(isRecord(config.models) ? config.models : {})) {
    checks.push(Promise.resolve(scriptIssues(name, model, loaded)));
    if (isImplSlot(model) && !options.load) continue;
    checks.push(loader.checkModel(name, model as ModelConfig));
  }
  // Loading checks the impls of slots; hooks (and, without `load`, every impl) are checked from their files.
  for (const reference of implReferences(config)) {
    if (options.load && !reference.path.includes('hooks')) continue;
    checks.push(Promise.resolve(implIssues(reference.impl, reference.path, loaded)));
  }
  checks.push(Promise.resolve(webhookSchemaIssues(loaded)));
  const issues = (await Promise.all(checks)).flat();
  return issues.sort((left, right) => lineOf(left) - lineOf(right));
}

/** The line of an issue's `file:line:col`, for reporting in file order. */
function lineOf(issue: ConfigIssue): number {
  const match = /:(\d+):\d+$/.exec(issue.location ?? '');
  return match === null ? Number.MAX_SAFE_INTEGER : Number(match[1]);
}

/** One error listing every plugin issue (exit 2), or nothing when there is none. */
export function throwPluginIssues(issues: readonly ConfigIssue[], file: string, loaded: boolean): void {
  if (issues.length === 0) return;
  const codes = new Set(issues.map((issue) => issue.code ?? 'config.invalid'));
  const code = codes.size === 1 ? [...codes][0]! : 'config.invalid';
  const first = issues[0]!;
  throw new ConfigError(code, {
    message: `${file} has ${issues.length === 1 ? '1 plugin problem' : `${issues.length} plugin problems`}`,
    hint: loaded
      ? 'fix each listed slot'
      : 'fix each listed slot; `agentry validate --load` also imports impl files and checks their configs',
    issues: [...issues],
    context: { ...(first.location === undefined ? {} : { location: first.location }) },
  });
}
