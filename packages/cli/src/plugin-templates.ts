/** Source templates of `agentry new plugin`: a tool and a memory, each ready to reference by `impl` path. */

/** Kinds `agentry new plugin` can scaffold. */
export const SCAFFOLD_KINDS = ['tool', 'memory'] as const;
export type ScaffoldKind = (typeof SCAFFOLD_KINDS)[number];

/** `word-count` → `wordCount`; `notes` → `notes`. */
export function camelCase(name: string): string {
  return name.replace(/[-_]+([a-zA-Z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** What a scaffold writes and how to reference it. */
export interface PluginScaffold {
  file: string;
  content: string;
  exportName: string;
  /** The YAML keys that use it inside an agent, not indented (`tools:` or `memory:` at column 0). */
  usage: string;
}

function toolTemplate(name: string, exportName: string): string {
  return `/** The \`${name}\` tool. Reference it from agentry.yaml: tools: [{ impl: ./<this file>#${exportName} }]. */
import { defineTool } from '@agentry/core';
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
import { definePlugin, type Memory } from '@agentry/core';
import { z } from 'zod';

const configSchema = z.object({
  notes: z.array(z.string()).default([]).describe('Notes given to the model at the start of every run'),
});

export const ${exportName} = definePlugin({
  kind: 'memory',
  name: '${name}',
  description: 'Pins fixed notes into every run',
  configSchema,
  create: (config): Memory => ({
    kind: 'memory',
    specVersion: 1,
    name: '${name}',
    // Called once per run, before the first model call (never again on resume).
    async inject() {
      return { messages: config.notes.map((note) => ({ role: 'system' as const, content: note })) };
    },
    // Called once when a run completes: store what should be remembered (input.store is the runtime's store).
    async writeback() {},
  }),
});
`;
}

/** The scaffold of a plugin of `kind` named `name`. */
export function pluginScaffold(kind: ScaffoldKind, name: string, directory: string): PluginScaffold {
  const exportName = camelCase(name);
  const file = `${directory.replace(/\/$/, '')}/${name}-${kind}.ts`;
  if (kind === 'tool') {
    return {
      file,
      content: toolTemplate(name, exportName),
      exportName,
      usage: `tools:\n  - { impl: ./${file}#${exportName} }`,
    };
  }
  return {
    file,
    content: memoryTemplate(name, exportName),
    exportName,
    usage: `memory: { impl: ./${file}#${exportName}, config: { notes: ["Answer in English."] } }`,
  };
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
export function usageSnippet(scaffold: Pick<PluginScaffold, 'usage'>): string {
  return `agents:\n  <agent>:\n${indent(scaffold.usage, 4)}`;
}
