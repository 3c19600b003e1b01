/** The slash commands of `agentry chat` (`/exit /reset /tools /runs /approve /help`) and what they print. */
import type { ApprovalPolicy, RunRecord, SideEffects } from '@agentry/core';
import type { LoadedConfig } from '../core-api.js';
import type { Style } from '../render/style.js';
import { didYouMean } from '../render/suggest.js';
import { withAgentTools } from '../tool-input-check.js';

/** Every slash command with its one-line help. */
export const CHAT_COMMANDS = [
  ['/exit', 'leave the chat (also an empty line or Ctrl-D)'],
  ['/reset', 'start a new session: the agent forgets this conversation'],
  ['/tools', "list the agent's tools with their side effects and approval rule"],
  ['/runs', "list this session's runs: id, status, stop reason, tokens"],
  ['/approve', 'decide the calls the last suspended run of this session waits on'],
  ['/approve <tool|*>', 'allow a tool (or every tool) without asking for the rest of this chat'],
  ['/help', 'show these commands'],
] as const;

/** The command names, for did-you-mean. */
export const CHAT_COMMAND_NAMES = [...new Set(CHAT_COMMANDS.map(([usage]) => usage.split(' ')[0]!))];

/** A slash command typed in the chat: its name (without arguments) and its argument, if any. */
export interface ChatCommand {
  name: string;
  argument?: string;
}

/** Parses `/name arg`; `undefined` when the line is not a slash command (a message to the agent). */
export function parseChatCommand(line: string): ChatCommand | undefined {
  const trimmed = line.trim();
  if (!/^\/[a-z]/i.test(trimmed)) return undefined;
  const [name = '', ...rest] = trimmed.split(/\s+/);
  const argument = rest.join(' ');
  return argument === '' ? { name: name.toLowerCase() } : { name: name.toLowerCase(), argument };
}

/** The `/help` text. */
export function chatHelp(style: Style): string {
  const width = Math.max(...CHAT_COMMANDS.map(([usage]) => usage.length));
  return CHAT_COMMANDS.map(([usage, text]) => `  ${style.bold(usage.padEnd(width))}  ${text}`).join('\n');
}

/** The line printed for an unknown `/x`. */
export function unknownCommand(name: string): string {
  return `Unknown command ${name}.${didYouMean(name, CHAT_COMMAND_NAMES)} Type /help for the commands.`;
}

/** What `/tools` shows of one tool. */
export interface ChatToolInfo {
  name: string;
  sideEffects: SideEffects;
  /** The tool's own rule: `never`, `always` or `depends on input` (a function). */
  rule: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The tools of `agentId` as configured (loaded the way the runtime does, then closed again), or `undefined`
 * when a tool slot cannot be loaded outside a running runtime (an MCP server that is down, a sub-agent).
 */
export function agentTools(
  loaded: Pick<LoadedConfig, 'config' | 'baseDir' | 'locate'>,
  agentId: string,
): Promise<ChatToolInfo[] | undefined> {
  return withAgentTools(loaded, agentId, (tools) =>
    tools.map((tool) => ({
      name: tool.name,
      sideEffects: tool.sideEffects,
      rule: typeof tool.approval === 'function' ? 'depends on input' : tool.approval,
    })),
  );
}

/** The approval policy of agent `agentId` in the config (`agents.<id>.approvals`), if any. */
export function configApprovals(config: unknown, agentId: string): ApprovalPolicy | undefined {
  const agents = isRecord(config) && isRecord(config.agents) ? config.agents : {};
  const agent = agents[agentId];
  return isRecord(agent) && isRecord(agent.approvals) ? (agent.approvals as ApprovalPolicy) : undefined;
}

/** How a call of `tool` is decided: the chat's policy first, then the agent's config, then the tool's rule. */
export function effectiveRule(
  tool: ChatToolInfo,
  chatPolicy: ApprovalPolicy,
  agentPolicy: ApprovalPolicy | undefined,
): string {
  const chat = chatPolicy.tools?.[tool.name] ?? chatPolicy.default;
  if (chat !== undefined) return `${chat} (this chat)`;
  const configured = agentPolicy?.tools?.[tool.name] ?? agentPolicy?.default;
  if (configured !== undefined) return `${configured} (agent config)`;
  return tool.rule === 'never'
    ? 'runs without asking'
    : tool.rule === 'always'
      ? 'asks every call'
      : tool.rule;
}

/** The `/tools` listing. */
export function toolsTable(
  tools: readonly ChatToolInfo[],
  chatPolicy: ApprovalPolicy,
  agentPolicy: ApprovalPolicy | undefined,
  style: Style,
): string {
  if (tools.length === 0) return '  This agent has no tools.';
  const width = Math.max(...tools.map((tool) => tool.name.length));
  return tools
    .map(
      (tool) =>
        `  ${style.bold(tool.name.padEnd(width))}  side effects: ${tool.sideEffects.padEnd(10)}  approval: ${effectiveRule(tool, chatPolicy, agentPolicy)}`,
    )
    .join('\n');
}

/** The `/runs` listing, oldest first. */
export function runsTable(records: readonly RunRecord[], style: Style): string {
  if (records.length === 0) return '  No runs in this session yet.';
  return [...records]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map(
      (record) =>
        `  ${style.bold(record.runId)}  ${record.status.padEnd(9)}  stop: ${(record.stopReason ?? '-').padEnd(12)}  ${record.usage.totalTokens.toLocaleString('en-US')} tokens`,
    )
    .join('\n');
}

/** Adds a sticky allow of `tool` (`*` = every tool) to the chat's policy. */
export function allowTool(policy: ApprovalPolicy, tool: string): ApprovalPolicy {
  if (tool === '*') return { ...policy, default: 'allow' };
  return { ...policy, tools: { ...policy.tools, [tool]: 'allow' } };
}
