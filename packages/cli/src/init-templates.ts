/** The files `agentry init` writes: a config with the scripted demo model, its script, a custom tool, and scripts. */

/** One file to scaffold, relative to the target directory. */
export interface TemplateFile {
  path: string;
  content: string;
}

/** The default task the demo script answers. */
export const DEMO_TASK = 'Summarise workspace/notes.txt into workspace/summary.md';

/** The first line of a config: editors with the YAML language server complete and check keys with it. */
export const SCHEMA_MODELINE = '# yaml-language-server: $schema=./agentry.schema.json';

const CONFIG = `${SCHEMA_MODELINE}
# Agentry config. Reference: docs/reference/config.md. agentry.schema.json (for editors) is refreshed with
# \`npx agentry schema --out agentry.schema.json\`.
version: 1

# Runs, checkpoints and events are kept in an embedded SQLite file (.agentry/agentry.db).
store: sqlite

models:
  # Plays demo.script.yaml: a deterministic model, no API key needed.
  demo:
    provider: scripted
    script: ./demo.script.yaml

  # A real model: export OPENAI_API_KEY, uncomment, and set \`model: main\` on the agent.
  # main:
  #   provider: openai
  #   model: gpt-4.1-mini
  #   apiKey: \${env:OPENAI_API_KEY}

agents:
  assistant:
    model: demo
    instructions: You help with the files in ./workspace. Be brief.
    # Checkpoint after every model response and every result of a tool with side effects: a crashed run resumes where it stopped.
    durable: true
    tools:
      - { type: read-file, config: { root: ./workspace } }
      # Writing asks a human first: on a terminal you are prompted; otherwise the run suspends (exit 3).
      - { type: write-file, config: { root: ./workspace, approval: always } }
      # A tool of your own, loaded by path (TypeScript works as is).
      - { impl: ./tools/word-count.ts#wordCount }
    budget: { maxSteps: 10, maxToolCalls: 10 }
`;

const SCRIPT = `# What the scripted model answers, one item per model call (step).
# An item is a string, { text, toolCalls: [{ tool, input }] }, or { error: rate_limit } to inject a fault.
# An item with \`when\` reacts: it answers its step only if the condition holds (lastTool: denied | error | ok,
# or input: <regex> on the user's input); otherwise the next item answers that step.
- text: I will read the notes first.
  toolCalls:
    - { tool: read-file, input: { path: notes.txt } }
- toolCalls:
    - { tool: word-count, input: { text: "Agentry runs agents declared in YAML, with durable checkpoints and approvals." } }
- text: Writing the summary.
  toolCalls:
    - tool: write-file
      input:
        path: summary.md
        content: "# Summary\\n\\nAgentry runs YAML agents; durable runs resume after a crash; risky tools wait for approval.\\n"
- when: { lastTool: denied }
  text: I did not write workspace/summary.md because the write was denied. Nothing was changed.
- The summary is in workspace/summary.md (12 words in the key sentence).
`;

const TOOL = `/** A custom tool: counts the words of a text. Referenced from agentry.yaml as ./tools/word-count.ts#wordCount. */
import { defineTool } from '@agentry/core';
import { z } from 'zod';

export const wordCount = defineTool({
  name: 'word-count',
  description: 'Counts the words in a text',
  input: z.object({ text: z.string().describe('The text to count') }),
  // Nothing changes in the world: safe to repeat after a crash.
  sideEffects: 'none',
  execute: ({ text }) => ({ words: text.split(/\\s+/).filter((word) => word !== '').length }),
});
`;

const NOTES = `Agentry notes
- Agents are declared in YAML and every part is swappable by path.
- Durable runs checkpoint after every step and resume after a crash without repeating finished tool calls.
- Risky tools wait for a human decision; the decision can come later, from another process.
`;

/** Version ranges of the dependencies, used when the CLI was installed from a registry. */
const REGISTRY_DEPENDENCIES: Record<string, string> = {
  '@agentry/cli': '^0.1.0',
  '@agentry/core': '^0.1.0',
  '@agentry/plugins': '^0.1.0',
  zod: '4.6.7',
};

function packageJson(name: string, localDirs?: Readonly<Record<string, string>>): string {
  const dependencies: Record<string, string> = {};
  for (const [dependency, range] of Object.entries(REGISTRY_DEPENDENCIES)) {
    const local = localDirs?.[dependency];
    dependencies[dependency] = local === undefined ? range : `file:${local}`;
  }
  const manifest = {
    name,
    private: true,
    type: 'module',
    scripts: {
      agentry: 'agentry',
      start: `agentry run assistant "${DEMO_TASK}"`,
      validate: 'agentry validate',
      doctor: 'agentry doctor',
      runs: 'agentry runs',
    },
    dependencies,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The files of a new project named `name`. With `localDirs` (package name → absolute directory), the
 * package.json depends on those directories (`file:` links, installable offline) instead of version ranges.
 */
export function initTemplates(name: string, localDirs?: Readonly<Record<string, string>>): TemplateFile[] {
  return [
    { path: 'agentry.yaml', content: CONFIG },
    { path: 'demo.script.yaml', content: SCRIPT },
    { path: 'tools/word-count.ts', content: TOOL },
    { path: 'workspace/notes.txt', content: NOTES },
    { path: 'package.json', content: packageJson(name, localDirs) },
    { path: '.gitignore', content: 'node_modules/\n.agentry/\n' },
  ];
}
