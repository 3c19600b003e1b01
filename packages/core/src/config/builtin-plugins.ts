/** The registry of builtin plugin names: which implementation each `type: <name>` loads. */
import type { PluginKind } from '../contracts/plugin.js';

/** One builtin: `type: <name>` in a slot of kind `kind` loads `impl`. */
export interface BuiltinPluginInfo {
  readonly kind: PluginKind;
  readonly name: string;
  /** Implementation specifier, `<package>[/<subpath>]#<export>`. */
  readonly impl: string;
  /** One line for `agentry plugins`. */
  readonly description: string;
}

const CORE = '@agentry/core';
/**
 * Builtins whose kinds pull in client libraries (stores, models, tools, event
 * buses) load from one module each, `@agentry/plugins/<kind>/<name>`, so a
 * config on SQLite never loads the Redis or PostgreSQL clients, nor file
 * tools the MCP SDK. Each kind's barrel (`@agentry/plugins/store`, …) exports
 * the same classes.
 */
const PLUGINS = '@agentry/plugins';

function entry(kind: PluginKind, name: string, impl: string, description: string): BuiltinPluginInfo {
  return Object.freeze({ kind, name, impl, description });
}

/** Every builtin plugin, core's in-process defaults first. `type: window` and its `impl` load the same thing. */
export const BUILTIN_PLUGINS: readonly BuiltinPluginInfo[] = Object.freeze([
  entry('store', 'memory', `${CORE}#MemoryStore`, 'In-memory store (lost on exit)'),
  entry('event-bus', 'mitt', `${CORE}#MittEventBus`, 'In-process event bus'),
  entry('tool-executor', 'default', `${CORE}#DefaultToolExecutor`, 'Runs each tool call as it comes'),
  entry('context-assembler', 'transcript', `${CORE}#TranscriptContextAssembler`, 'Whole transcript'),
  entry('pattern', 'tool-loop', `${CORE}#ToolLoopPattern`, 'ReAct loop with native tool calling'),
  entry('model', 'scripted', `${CORE}#ScriptedModel`, 'Canned responses for tests and demos'),
  entry('runtime', 'default', `${CORE}#DefaultRuntime`, 'The default orchestrator'),
  entry('store', 'sqlite', `${PLUGINS}/store/sqlite#SqliteStore`, 'Embedded SQLite store'),
  entry('store', 'file', `${PLUGINS}/store/file#FileStore`, 'JSON files in a directory'),
  entry('store', 'redis', `${PLUGINS}/store/redis#RedisStore`, 'Shared Redis store'),
  entry('store', 'postgres', `${PLUGINS}/store/postgres#PostgresStore`, 'Shared PostgreSQL store'),
  entry('model', 'openai', `${PLUGINS}/model/openai#OpenAIModel`, 'OpenAI models'),
  entry('model', 'anthropic', `${PLUGINS}/model/anthropic#AnthropicModel`, 'Anthropic models'),
  entry(
    'model',
    'openai-compatible',
    `${PLUGINS}/model/openai-compatible#OpenAICompatibleModel`,
    'OpenAI-compatible servers (Ollama, vLLM, LM Studio)',
  ),
  entry(
    'model',
    'ai-sdk',
    `${PLUGINS}/model/ai-sdk#AiSdkLanguageModel`,
    'An AI SDK language model object passed in code (AI SDK 5, 6 or 7)',
  ),
  entry('pattern', 'plan-execute', `${PLUGINS}/pattern#PlanExecutePattern`, 'Plan first, then execute'),
  entry('pattern', 'reflexion', `${PLUGINS}/pattern#ReflexionPattern`, 'Act, critique, retry'),
  entry('memory', 'buffer', `${PLUGINS}/memory#BufferMemory`, 'Keeps every message of the session'),
  entry('memory', 'window', `${PLUGINS}/memory#WindowMemory`, 'Keeps the last N messages'),
  entry('memory', 'summary', `${PLUGINS}/memory#SummaryMemory`, 'Summarises older messages'),
  entry('memory', 'persistent', `${PLUGINS}/memory#PersistentMemory`, 'Store-backed memory'),
  entry('memory', 'chain', `${PLUGINS}/memory#ChainMemory`, 'Several memories in order'),
  entry(
    'context-assembler',
    'truncating',
    `${PLUGINS}/context#TruncatingContextAssembler`,
    'Drops the oldest messages',
  ),
  entry(
    'context-assembler',
    'token-budget',
    `${PLUGINS}/context#TokenBudgetContextAssembler`,
    'Fits a token budget (head-tail, sliding, importance)',
  ),
  entry('tool-executor', 'timeout', `${PLUGINS}/tool-executor#TimeoutToolExecutor`, 'Per-call timeout'),
  entry(
    'tool-executor',
    'retrying',
    `${PLUGINS}/tool-executor#RetryingToolExecutor`,
    'Retries retryable errors',
  ),
  entry(
    'tool-executor',
    'concurrent',
    `${PLUGINS}/tool-executor#ConcurrentToolExecutor`,
    'Runs calls in parallel',
  ),
  entry(
    'tool-executor',
    'policy',
    `${PLUGINS}/tool-executor#PolicyToolExecutor`,
    'Filesystem and network policy',
  ),
  entry(
    'event-bus',
    'ndjson-file',
    `${PLUGINS}/event-bus/ndjson-file#NdjsonFileEventBus`,
    'Appends events to an NDJSON file',
  ),
  entry('event-bus', 'console', `${PLUGINS}/event-bus/console#ConsoleEventBus`, 'Prints events'),
  entry('event-bus', 'otel', `${PLUGINS}/event-bus/otel#OtelEventBus`, 'OpenTelemetry spans'),
  entry('event-bus', 'redis', `${PLUGINS}/event-bus/redis#RedisEventBus`, 'Cross-process events over Redis'),
  entry('tool', 'read-file', `${PLUGINS}/tool/read-file#ReadFileTool`, 'Reads a file under a root'),
  entry('tool', 'write-file', `${PLUGINS}/tool/write-file#WriteFileTool`, 'Writes a file under a root'),
  entry('tool', 'list-files', `${PLUGINS}/tool/list-files#ListFilesTool`, 'Lists files under a root'),
  entry(
    'tool',
    'search-files',
    `${PLUGINS}/tool/search-files#SearchFilesTool`,
    'Searches files under a root',
  ),
  entry('tool', 'http', `${PLUGINS}/tool/http#HttpTool`, 'HTTP requests to allowed hosts'),
  entry('tool', 'shell', `${PLUGINS}/tool/shell#ShellTool`, 'Shell commands (approval by default)'),
  entry('tool', 'calc', `${PLUGINS}/tool/calc#CalcTool`, 'Arithmetic'),
  entry('tool', 'time', `${PLUGINS}/tool/time#TimeTool`, 'Current time'),
  entry('tool', 'mcp', `${PLUGINS}/tool/mcp#McpToolSource`, 'One tool per MCP server tool'),
  entry('tool', 'agent', `${PLUGINS}/tool/agent#AgentTool`, 'Another agent as a tool'),
]);

/** The builtins, optionally of one kind. */
export function listBuiltinPlugins(kind?: PluginKind): readonly BuiltinPluginInfo[] {
  return kind === undefined ? BUILTIN_PLUGINS : BUILTIN_PLUGINS.filter((info) => info.kind === kind);
}

/** The builtin of `kind` named `name`, or undefined. */
export function findBuiltin(kind: PluginKind, name: string): BuiltinPluginInfo | undefined {
  return BUILTIN_PLUGINS.find((info) => info.kind === kind && info.name === name);
}

/** Names of the builtins of one kind (for did-you-mean). */
export function builtinNames(kind: PluginKind): string[] {
  return listBuiltinPlugins(kind).map((info) => info.name);
}
