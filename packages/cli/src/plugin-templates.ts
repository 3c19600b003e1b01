/** Source templates of `agentry new plugin`: every kind with a conformance suite, each with its test and YAML. */
import {
  contextTemplate,
  eventBusTemplate,
  modelTemplate,
  patternTemplate,
  storeTemplate,
  toolExecutorTemplate,
} from './plugin-kind-templates.js';
import { queueTemplate } from './plugin-queue-template.js';
import { conformanceTest } from './plugin-test-templates.js';

/** Kinds `agentry new plugin` can scaffold: those with a `describe<Kind>Conformance` suite in `@agentry/core/testing`. */
export const SCAFFOLD_KINDS = [
  'tool',
  'memory',
  'store',
  'model',
  'event-bus',
  'pattern',
  'context-assembler',
  'tool-executor',
  'queue',
] as const;
export type ScaffoldKind = (typeof SCAFFOLD_KINDS)[number];

/** `send-email` → `SendEmail`. */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** `word-count` → `wordCount`; `notes` → `notes`. */
export function camelCase(name: string): string {
  return name.replace(/[-_]+([a-zA-Z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** What a scaffold writes and how to reference it. */
export interface PluginScaffold {
  file: string;
  content: string;
  exportName: string;
  /** The YAML keys that use it inside an agent, not indented (`tools:` or `memory:` at column 0); may be empty. */
  usage: string;
  /** Top-level YAML keys that declare it (`store:`, `events:`, `models:`), when the kind lives there. */
  topLevel?: string;
  /** The conformance test written next to the plugin. */
  test: { file: string; content: string };
}

function toolTemplate(name: string, exportName: string): string {
  return `/** The \`${name}\` tool. Reference it from agentry.yaml: tools: [{ impl: ./<this file>#${exportName} }]. */
import { defineTool } from '@agentry/core/plugin';
import { z } from 'zod';

export const ${exportName} = defineTool({
  name: '${name}',
  description: 'Describe what ${name} does; the model reads this to decide when to call it',
  // The model's arguments are validated against this schema before anything runs.
  input: z.object({ text: z.string().describe('What the tool works on') }),
  // 'none' (reads only), 'idempotent' (same call twice = same effect) or 'unsafe' (never repeated blindly after a crash).
  sideEffects: 'none',
  // 'always' makes every call wait for a human decision.
  approval: 'never',
  async execute({ text }, context) {
    // context.signal aborts on cancel or timeout; context.idempotencyKey is stable across resume.
    context.signal.throwIfAborted();
    return { length: text.length };
  },
});
`;
}

function memoryTemplate(name: string, exportName: string): string {
  return `/** The \`${name}\` memory. Reference it from agentry.yaml: memory: { impl: ./<this file>#${exportName}, config: { notes: [...] } }. */
import { definePlugin, type Memory } from '@agentry/core/plugin';
import { z } from 'zod';

const configSchema = z.object({
  notes: z.array(z.string()).default([]).describe('Notes given to the model at the start of every run'),
});

/** A memory that pins \`notes\` into every run. */
export function create${pascalCase(name)}Memory(notes: readonly string[]): Memory {
  return {
    kind: 'memory',
    specVersion: 1,
    name: '${name}',
    // Called once per run, before the first model call (never again on resume).
    async inject() {
      return { messages: notes.map((note) => ({ role: 'system' as const, content: note })) };
    },
    // Called once when a run completes: store what should be remembered (input.store is the runtime's store).
    async writeback() {},
  };
}

export const ${exportName} = definePlugin({
  kind: 'memory',
  name: '${name}',
  description: 'Pins fixed notes into every run',
  configSchema,
  create: (config) => create${pascalCase(name)}Memory(config.notes),
});
`;
}

/** The scaffold of a plugin of `kind` named `name`. */
export function pluginScaffold(kind: ScaffoldKind, name: string, directory: string): PluginScaffold {
  const exportName = camelCase(name);
  const className = `${pascalCase(name)}${pascalCase(kind)}`;
  const base = `${directory.replace(/\/$/, '')}/${name}-${kind}`;
  const file = `${base}.ts`;
  const impl = `{ impl: ./${file}#${exportName} }`;
  const test = { file: `${base}.test.ts`, content: conformanceTest(kind, name, exportName, className) };
  switch (kind) {
    case 'tool':
      return {
        file,
        content: toolTemplate(name, exportName),
        exportName,
        usage: `tools:\n  - ${impl}`,
        test,
      };
    case 'memory':
      return {
        file,
        content: memoryTemplate(name, exportName),
        exportName,
        usage: `memory: { impl: ./${file}#${exportName}, config: { notes: ["Answer in English."] } }`,
        test,
      };
    case 'store':
      return {
        file,
        content: storeTemplate(name, exportName, className),
        exportName,
        usage: '',
        topLevel: `store: ${impl}`,
        test,
      };
    case 'event-bus':
      return {
        file,
        content: eventBusTemplate(name, exportName, className),
        exportName,
        usage: '',
        topLevel: `events:\n  - ${impl}`,
        test,
      };
    case 'model':
      return {
        file,
        content: modelTemplate(name, exportName, className),
        exportName,
        usage: `model: ${name}`,
        topLevel: `models:\n  ${name}: ${impl}`,
        test,
      };
    case 'pattern':
      return {
        file,
        content: patternTemplate(name, exportName, className),
        exportName,
        usage: `pattern: ${impl}`,
        test,
      };
    case 'context-assembler':
      return {
        file,
        content: contextTemplate(name, exportName, className),
        exportName,
        usage: `context: { impl: ./${file}#${exportName}, config: { lastMessages: 20 } }`,
        test,
      };
    case 'tool-executor':
      return {
        file,
        content: toolExecutorTemplate(name, exportName, className),
        exportName,
        usage: `toolExecutor:\n  - ${impl}`,
        test,
      };
    case 'queue':
      return {
        file,
        content: queueTemplate(name, exportName, className),
        exportName,
        usage: '',
        topLevel: `queue: ${impl}`,
        test,
      };
  }
}

/** Indents every non-empty line of `text` by `spaces`. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${pad}${line}`))
    .join('\n');
}

/** The YAML to paste into agentry.yaml: the scaffold's keys nested under `agents: <agent>:`. */
export function usageSnippet(scaffold: Pick<PluginScaffold, 'usage' | 'topLevel'>): string {
  const top = scaffold.topLevel ?? '';
  if (scaffold.usage === '') return top;
  return `${top === '' ? '' : `${top}\n`}agents:\n  <agent>:\n${indent(scaffold.usage, 4)}`;
}
