/** Example config per builtin plugin, and the `agentry.yaml` snippet that uses it in the right slot. */
import type { PluginKind } from '@agentry/core';

/** A plain JSON value as the examples hold it. */
type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** An `${env:NAME}` reference as a YAML config writes it. */
function env(name: string): string {
  return ['$', '{env:', name, '}'].join('');
}

/**
 * Example `config` of builtins that need one or show one well, by `kind/name`.
 * Builtins not listed are shown with no config. Every example is validated
 * against the plugin's config schema when the pages are generated.
 */
export const EXAMPLE_CONFIGS: { readonly [kindAndName: string]: { [key: string]: Value } } = {
  'pattern/tool-loop': { maxSteps: 12 },
  'pattern/plan-execute': { maxReplans: 2, maxPlanSteps: 6 },
  'pattern/reflexion': { maxReflections: 2 },
  'memory/window': { maxMessages: 20 },
  'memory/summary': { maxTokens: 2000, keepRecentTurns: 2 },
  'memory/persistent': { scope: 'agent', limit: 5 },
  'memory/chain': { memories: [{ type: 'persistent', config: { scope: 'agent' } }, 'window'] },
  'context-assembler/truncating': { maxMessages: 40 },
  'context-assembler/token-budget': { maxTokens: 8000, strategy: 'head-tail' },
  'tool-executor/default': { concurrency: 4 },
  'tool-executor/timeout': { defaultMs: 20000, perTool: { shell: 120000 } },
  'tool-executor/retrying': { attempts: 3 },
  'tool-executor/concurrent': { maxConcurrency: 4 },
  'tool-executor/policy': { roots: ['./workspace'], network: { allowHosts: ['api.example.com'] } },
  'event-bus/ndjson-file': { path: '.agentry/events/{runId}.ndjson' },
  'event-bus/console': { exclude: ['model.delta'] },
  'event-bus/redis': { url: env('REDIS_URL') },
  'store/sqlite': { path: '.agentry/agentry.db' },
  'store/file': { path: '.agentry/store.json' },
  'store/redis': { url: env('REDIS_URL'), prefix: 'agentry:' },
  'store/postgres': { url: env('DATABASE_URL'), schema: 'agentry' },
  'model/scripted': { script: './demo.script.yaml' },
  'model/openai': { model: 'gpt-4.1-mini', apiKey: env('OPENAI_API_KEY') },
  'model/anthropic': { model: 'claude-sonnet-4-5', apiKey: env('ANTHROPIC_API_KEY') },
  'model/openai-compatible': { model: 'llama3.2', baseURL: 'http://127.0.0.1:11434/v1', name: 'ollama' },
  'tool/read-file': { root: './workspace' },
  'tool/write-file': { root: './workspace' },
  'tool/list-files': { root: './workspace' },
  'tool/search-files': { root: './workspace' },
  'tool/http': { allowHosts: ['api.example.com'], methods: ['GET'] },
  'tool/shell': { root: './workspace', allowCommands: ['git', 'ls'] },
  'tool/mcp': { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'], prefix: 'demo_' },
  'tool/agent': { agent: 'researcher' },
};

/**
 * Builtins that only code can configure (their config holds a live object), by `kind/name`: the page
 * shows this TypeScript instead of a YAML example.
 */
export const CODE_EXAMPLES: { readonly [kindAndName: string]: string } = {
  'model/ai-sdk': [
    "import { createOpenAI } from '@ai-sdk/openai'; // AI SDK 6 (3.x) or AI SDK 7 (4.x, Node 22+)",
    'const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });',
    '// agentry.yaml declares `main` (any provider); the object passed here takes its place.',
    "const runtime = await createRuntime({ config: './agentry.yaml', models: { main: openai('gpt-4.1-mini') } });",
  ].join('\n'),
};

const RESERVED = /^(true|false|yes|no|on|off|null|~|-?[\d.]+(e[+-]?\d+)?)$/i;

/** A scalar as YAML: bare when that is unambiguous, else double-quoted (JSON strings are valid YAML). */
function scalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  return /^[A-Za-z_./][\w./-]*$/.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

/** A value in YAML flow style: `{ key: value }`, `[a, b]`. */
export function flow(value: Value): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, inner]) => `${scalar(key)}: ${flow(inner)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return scalar(value);
}

/** Where each agent-level kind goes in an agent. */
const AGENT_KEYS: { readonly [K in PluginKind]?: string } = {
  pattern: 'pattern',
  memory: 'memory',
  'context-assembler': 'context',
  'tool-executor': 'toolExecutor',
};

/** The slot value: the bare name without config, else `{ type, config }`. */
function slot(name: string, config: { [key: string]: Value }): string {
  return Object.keys(config).length === 0 ? scalar(name) : flow({ type: name, config });
}

/** An `agentry.yaml` snippet that loads builtin `name` of `kind` with `config`. */
export function exampleYaml(kind: PluginKind, name: string, config: { [key: string]: Value }): string {
  switch (kind) {
    case 'store':
      return `store: ${slot(name, config)}`;
    case 'event-bus':
      return `events: ${slot(name, config)}`;
    case 'model':
      return ['models:', `  main: ${flow({ provider: name, ...config })}`].join('\n');
    case 'tool':
      return [
        'agents:',
        '  assistant:',
        '    model: main',
        '    tools:',
        `      - ${flow({ type: name, ...(Object.keys(config).length > 0 ? { config } : {}) })}`,
      ].join('\n');
    default: {
      const key = AGENT_KEYS[kind];
      if (key === undefined) return `# ${kind} plugins are not configured in agentry.yaml`;
      return ['agents:', '  assistant:', '    model: main', `    ${key}: ${slot(name, config)}`].join('\n');
    }
  }
}
