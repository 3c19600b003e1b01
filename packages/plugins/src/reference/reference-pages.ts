/**
 * Generates `docs/reference/<kind>.md`, one page per plugin kind, from the builtin registry
 * (`listBuiltinPlugins()`), each builtin's config schema, the kind's contract in core and a
 * hand-written intro (`packages/plugins/scripts/reference/<kind>.md`). Used by
 * `scripts/gen-reference.mjs` and by the test that keeps the committed pages from drifting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@agentry/core';
import {
  type BuiltinPluginInfo,
  isPluginDefinition,
  listBuiltinPlugins,
  type PluginDefinition,
  type PluginKind,
} from '@agentry/core';
import { z } from 'zod';
import * as context from '../context/index.js';
import * as eventBus from '../event-bus/index.js';
import * as memory from '../memory/index.js';
import * as model from '../model/index.js';
import * as pattern from '../pattern/index.js';
import * as store from '../store/index.js';
import * as tool from '../tool/index.js';
import * as toolExecutor from '../tool-executor/index.js';
import { configRows, configTable, type SchemaNode } from './config-table.js';
import { CODE_EXAMPLES, EXAMPLE_CONFIGS, exampleYaml } from './yaml-example.js';

/** The kinds that get a reference page, in the order of the docs index. */
export const REFERENCE_KINDS = [
  'pattern',
  'memory',
  'context-assembler',
  'tool-executor',
  'event-bus',
  'store',
  'model',
  'tool',
] as const satisfies readonly PluginKind[];

/** A kind with a reference page. */
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** One generated page. */
export interface ReferencePage {
  /** Path relative to the repository root, e.g. `docs/reference/memory.md`. */
  path: string;
  content: string;
}

const TITLES: { readonly [K in ReferenceKind]: { title: string; contract: string } } = {
  pattern: { title: 'Pattern plugins', contract: 'Pattern' },
  memory: { title: 'Memory plugins', contract: 'Memory' },
  'context-assembler': { title: 'Context assembler plugins', contract: 'ContextAssembler' },
  'tool-executor': { title: 'Tool executor plugins', contract: 'ToolExecutor' },
  'event-bus': { title: 'Event bus plugins', contract: 'EventBus' },
  store: { title: 'Store plugins', contract: 'Store' },
  model: { title: 'Model plugins', contract: 'Model' },
  tool: { title: 'Tool plugins', contract: 'Tool' },
};

/** Each kind's barrel module; a builtin's own module (`@agentry/plugins/store/sqlite`) exports a subset of its kind's barrel. */
const MODULES: { readonly [specifier: string]: Readonly<Record<string, unknown>> } = {
  '@agentry/core': core,
  '@agentry/plugins/context': context,
  '@agentry/plugins/event-bus': eventBus,
  '@agentry/plugins/memory': memory,
  '@agentry/plugins/model': model,
  '@agentry/plugins/pattern': pattern,
  '@agentry/plugins/store': store,
  '@agentry/plugins/tool': tool,
  '@agentry/plugins/tool-executor': toolExecutor,
};

/** The barrel of the module a specifier names: `@agentry/plugins/store/sqlite` → `@agentry/plugins/store`. */
function barrelOf(specifier: string): Readonly<Record<string, unknown>> | undefined {
  return MODULES[specifier] ?? MODULES[specifier.slice(0, specifier.lastIndexOf('/'))];
}

/** The definition a registry entry points to, or undefined when this build does not export it. */
export function definitionOf(info: BuiltinPluginInfo): PluginDefinition | undefined {
  const [specifier = '', exportName = ''] = info.impl.split('#');
  const exported = barrelOf(specifier)?.[exportName] as { plugin?: unknown } | undefined;
  if (isPluginDefinition(exported)) return exported;
  return isPluginDefinition(exported?.plugin) ? exported.plugin : undefined;
}

/** The contract interface (with its TSDoc) as written in `packages/core/src/contracts/<kind>.ts`. */
export function contractSource(repoRoot: string, kind: ReferenceKind): string {
  const file = join(repoRoot, 'packages/core/src/contracts', `${kind}.ts`);
  const lines = readFileSync(file, 'utf8').split('\n');
  const name = TITLES[kind].contract;
  const start = lines.findIndex((line) => new RegExp(`^export interface ${name}[ <]`).test(line));
  if (start < 0)
    throw new Error(`${file} has no "export interface ${name}": update TITLES in reference-pages.ts`);
  let first = start;
  if (lines[start - 1]?.trim() === '*/') {
    while (first > 0 && !lines[first - 1]!.trim().startsWith('/**')) first--;
    first--;
  }
  const end = lines.findIndex((line, index) => index > start && line === '}');
  return lines.slice(first, end + 1).join('\n');
}

/** The example config of a builtin, checked against its schema. @throws Error naming the fix. */
function exampleConfig(info: BuiltinPluginInfo, definition: PluginDefinition) {
  const key = `${info.kind}/${info.name}`;
  const config = EXAMPLE_CONFIGS[key] ?? {};
  const checked = definition.configSchema.safeParse(config);
  if (!checked.success) {
    throw new Error(
      `The example config of ${key} does not match its schema:\n${z.prettifyError(checked.error)}\n` +
        'Fix EXAMPLE_CONFIGS in packages/plugins/src/reference/yaml-example.ts.',
    );
  }
  return config;
}

function builtinSection(info: BuiltinPluginInfo): string {
  const heading = `## \`${info.name}\``;
  const definition = definitionOf(info);
  if (!definition) {
    return `${heading}\n\n${info.description}. _Not exported by this build (\`${info.impl}\` did not resolve)._`;
  }
  const schema = z.toJSONSchema(definition.configSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as SchemaNode;
  const about = [definition.description, schema.description]
    .filter((text): text is string => typeof text === 'string' && text !== '')
    .map((text) => (text.endsWith('.') ? text : `${text}.`));
  const code = CODE_EXAMPLES[`${info.kind}/${info.name}`];
  return [
    heading,
    [...new Set(about)].join(' '),
    code === undefined
      ? `Load it with \`type: ${info.name}\` or \`impl: "${info.impl}"\`.`
      : `Code only: pass the object where the example does, or construct \`${info.impl}\` yourself.`,
    '### Config',
    configTable(configRows(schema)),
    '### Example',
    code === undefined
      ? `\`\`\`yaml\n${exampleYaml(info.kind, info.name, exampleConfig(info, definition))}\n\`\`\``
      : `\`\`\`ts\n${code}\n\`\`\``,
  ].join('\n\n');
}

/** Renders the page of one kind. */
export function renderReferencePage(repoRoot: string, kind: ReferenceKind): ReferencePage {
  const builtins = listBuiltinPlugins(kind);
  const intro = readFileSync(
    join(repoRoot, 'packages/plugins/scripts/reference', `${kind}.md`),
    'utf8',
  ).trim();
  const index = builtins.map(
    (info) => `| [\`${info.name}\`](#${info.name}) | \`${info.impl}\` | ${info.description} |`,
  );
  const content = [
    `<!-- Generated by packages/plugins/scripts/gen-reference.mjs from the builtin registry and each builtin's config schema. Do not edit: change packages/plugins/scripts/reference/${kind}.md or the schema, then run \`npm run docs -w @agentry/plugins\`. -->`,
    `# ${TITLES[kind].title} (\`${kind}\`)`,
    intro,
    '## Contract',
    `From [\`packages/core/src/contracts/${kind}.ts\`](../../packages/core/src/contracts/${kind}.ts):`,
    `\`\`\`ts\n${contractSource(repoRoot, kind)}\n\`\`\``,
    '## Builtins',
    ['| Name | Implementation | Description |', '|---|---|---|', ...index].join('\n'),
    ...builtins.map(builtinSection),
  ].join('\n\n');
  return { path: `docs/reference/${kind}.md`, content: `${content}\n` };
}

/** Renders every page. @throws Error when an example config drifts from its schema. */
export function renderReferencePages(repoRoot: string): ReferencePage[] {
  const unknown = Object.keys(EXAMPLE_CONFIGS).filter((key) => {
    const [kind, name] = key.split('/');
    return !listBuiltinPlugins().some((info) => info.kind === kind && info.name === name);
  });
  if (unknown.length > 0) {
    throw new Error(`EXAMPLE_CONFIGS names builtins that do not exist: ${unknown.join(', ')}`);
  }
  return REFERENCE_KINDS.map((kind) => renderReferencePage(repoRoot, kind));
}
