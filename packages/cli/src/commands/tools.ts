/** `agentry tools <agent>`: the tools an agent resolves to (MCP servers' tools included), with side effects and approval. */
import type { Tool } from '@agentry/core';
import { type LoadableSlot, PluginLoader } from '@agentry/core/internal';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { loadConfig } from '../core-api.js';
import { EXIT, UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';
import { renderTable } from '../render/table.js';

/** One resolved tool of an agent. */
export interface ToolRow {
  name: string;
  description: string;
  /** Where it came from: `read-file`, `mcp`, `./tools/x.ts#y` … and the slot index. */
  source: string;
  sideEffects: string;
  /** The tool's rule after the slot's `approval`: `never`, `always` or `per call` (a function decides). */
  approval: string;
  /** The agent's `approvals` policy for it, if any: `allow`, `deny` or `ask`. */
  policy?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCloseable(value: unknown): value is { close(): Promise<void> } {
  return isRecord(value) && typeof value.close === 'function';
}

function sourceOf(slot: unknown): string {
  if (typeof slot === 'string') return slot;
  if (isRecord(slot)) return String(slot.type ?? slot.impl ?? '?');
  return '?';
}

export function registerTools(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('tools')
    .description(
      "List an agent's tools as the runtime resolves them (MCP servers' tools included): side effects and approval",
    )
    .argument('[agent]', 'agent name (optional when the config has one agent)')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--json', 'print the tools as one JSON document')
    .action(
      action(context, exit, async (agentArg: string | undefined, options: { config?: string }) => {
        const loaded = await loadConfig({
          path: options.config,
          cwd: context.io.cwd,
          env: context.io.env,
          redactor: context.redactor,
        });
        const agents = isRecord(loaded.config.agents) ? loaded.config.agents : {};
        const names = Object.keys(agents);
        const agentId = agentArg ?? (names.length === 1 ? names[0] : undefined);
        if (agentId === undefined || !(agentId in agents)) {
          throw new UsageError(
            agentId === undefined
              ? 'Which agent?'
              : `No agent named "${agentId}".${didYouMean(agentId, names)}`,
            `Agents: ${names.join(', ')}.`,
          );
        }
        const agent = agents[agentId] as {
          tools?: unknown[];
          approvals?: { tools?: Record<string, string> };
        };
        const loader = PluginLoader.fromConfig(loaded);
        const opened: unknown[] = [];
        const rows: ToolRow[] = [];
        try {
          for (const [index, slot] of (agent.tools ?? []).entries()) {
            // A tool that cannot load (a server that is down) is an error with its YAML line, like `run`.
            const created = await loader.load('tool', slot as LoadableSlot, [
              'agents',
              agentId,
              'tools',
              index,
            ]);
            opened.push(created);
            for (const tool of (Array.isArray(created) ? created : [created]) as Tool[]) {
              const policy = agent.approvals?.tools?.[tool.name];
              rows.push({
                name: tool.name,
                description: tool.description,
                source: `${sourceOf(slot)} [${index}]`,
                sideEffects: tool.sideEffects,
                approval: typeof tool.approval === 'function' ? 'per call' : tool.approval,
                ...(policy === undefined ? {} : { policy }),
              });
            }
          }
        } finally {
          for (const instance of opened.flat()) {
            if (isCloseable(instance)) await instance.close().catch(() => undefined);
          }
        }
        if (context.json) {
          context.printJson({ agent: agentId, tools: rows });
          return EXIT.ok;
        }
        if (rows.length === 0) {
          context.human(`Agent "${agentId}" has no tools.`);
          return EXIT.ok;
        }
        context.human(
          renderTable(
            ['TOOL', 'SIDE EFFECTS', 'APPROVAL', 'POLICY', 'FROM', 'DESCRIPTION'],
            rows.map((row) => [
              row.name,
              row.sideEffects,
              row.approval,
              row.policy ?? '',
              row.source,
              row.description,
            ]),
            { bold: context.style.bold, width: context.io.stdout.columns },
          ),
        );
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry tools assistant', 'what the model of "assistant" may call'],
    ['agentry tools assistant --json', 'the same as JSON'],
  ]);
}
