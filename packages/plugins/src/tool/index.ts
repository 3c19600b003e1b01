/**
 * @agentry/plugins/tool: builtin tools — files confined to a root, HTTP under a network policy, shell
 * without a shell, arithmetic, time, MCP servers (one tool per server tool), and other agents as tools.
 * @module
 */
export { AgentTool, type AgentToolConfig, type AgentToolInput, agentToolName } from './agent-tool.js';
export { CalcError, evaluate } from './calc-expression.js';
export { type CalcInput, CalcTool, type CalcToolConfig } from './calc-tool.js';
export { type HttpInput, HttpTool, type HttpToolConfig } from './http-tool.js';
export { type ListFilesInput, ListFilesTool, type ListFilesToolConfig } from './list-files-tool.js';
export { McpServerTool, McpToolSource, type McpToolSourceConfig } from './mcp-tool-source.js';
export {
  checkUrl,
  isPrivateAddress,
  type NetworkPolicy,
  resolveAndCheck,
} from './network-guard.js';
export { type ConfinedPath, confinePath, isInside, resolveRoot } from './path-guard.js';
export { type ReadFileInput, ReadFileTool, type ReadFileToolConfig } from './read-file-tool.js';
export { type SearchFilesInput, SearchFilesTool, type SearchFilesToolConfig } from './search-files-tool.js';
export { type ShellInput, ShellTool, type ShellToolConfig } from './shell-tool.js';
export { type TimeInput, TimeTool, type TimeToolConfig } from './time-tool.js';
export { type WriteFileInput, WriteFileTool, type WriteFileToolConfig } from './write-file-tool.js';
