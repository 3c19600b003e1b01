/** `agentry chat [agent]`: a conversation on the terminal; every line is a run in one session. */
import { randomUUID } from 'node:crypto';
import type { ApprovalPolicy, RunRecord, RunRequest, RunResult } from '@agentry/core';
import type { Command } from 'commander';
import { LineReader, promptDecisions } from '../approval-prompt.js';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { collect, withRuntime } from '../open-runtime.js';
import { EXIT, UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';
import { AGENTRY_COMMAND, driveRun, runStreamed, streamsText } from '../run-driver.js';
import { checkToolInput } from '../tool-input-check.js';
import {
  agentTools,
  allowTool,
  chatHelp,
  configApprovals,
  parseChatCommand,
  runsTable,
  toolsTable,
  unknownCommand,
} from './chat-commands.js';
import { approvalPolicy } from './run.js';

interface ChatOptions {
  config?: string;
  session?: string;
  durable?: boolean;
  approve?: string[];
  deny?: string[];
}

export function registerChat(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('chat')
    .description(
      'Talk to an agent: each line you type is one run, all in one session (memory carries over); /help lists the commands (/reset /tools /runs /approve)',
    )
    .argument('[agent]', 'agent name (optional when the config has one agent)')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('-s, --session <id>', 'session id (default: a new one; reuse it to continue a conversation)')
    .option('--durable', 'checkpoint every step')
    .option('--approve <tool>', 'allow a tool without asking (repeatable; * for every tool)', collect)
    .option('--deny <tool>', 'refuse a tool; the model is told (repeatable)', collect)
    .action(
      action(context, exit, async (agentArg: string | undefined, options: ChatOptions) =>
        withRuntime(context, options.config, async ({ runtime, loaded, persistentStore, configArg }) => {
          const agents = runtime.agents();
          const agent = agentArg ?? (agents.length === 1 ? agents[0] : undefined);
          if (agent === undefined) throw new UsageError('Which agent?', `Agents: ${agents.join(', ')}.`);
          if (!agents.includes(agent)) {
            throw new UsageError(
              `No agent named "${agent}".${didYouMean(agent, agents)}`,
              `Agents: ${agents.join(', ')}.`,
            );
          }
          const newSessionId = () => `chat_${randomUUID().slice(0, 8)}`;
          let sessionId = options.session ?? newSessionId();
          let approvals: ApprovalPolicy | undefined = approvalPolicy(options.approve, options.deny);
          const interactive = context.io.stdin.isTTY === true && context.io.stderr.isTTY === true;
          const reader = new LineReader(context.io.stdin);
          const sessionRuns = async (id: string): Promise<RunRecord[]> =>
            (await runtime.runs.list({ sessionId: id })).filter((record) => record.agentId === agent);
          let running = false;
          const removeInterrupt = context.io.onInterrupt(() => {
            if (!running) reader.close();
          });
          const style = context.stderrStyle;
          context.note(
            style.dim(
              `Chatting with ${agent} (session ${sessionId}). Empty line or Ctrl-D to leave; /help for commands.`,
            ),
          );
          let last = EXIT.ok as number;
          try {
            for (;;) {
              if (interactive) context.io.stderr.write(`${style.bold(style.cyan('you ›'))} `);
              const line = await reader.next();
              if (line === undefined || line.trim() === '' || line.trim() === '/exit') break;
              const command = parseChatCommand(line);
              const drive = (start: (signal: AbortSignal) => Promise<RunResult>) =>
                driveRun({
                  context,
                  runtime,
                  persistentStore,
                  loaded,
                  interactive,
                  reader,
                  ...(configArg === undefined ? {} : { configArg }),
                  start,
                });
              running = true;
              if (command === undefined) {
                last = await drive((signal) => {
                  const request: RunRequest = {
                    agent,
                    input: line,
                    sessionId,
                    signal,
                    ...(options.durable === true ? { durable: true } : {}),
                    ...(approvals === undefined ? {} : { approvals }),
                  };
                  return streamsText(context) ? runStreamed(runtime, request) : runtime.run(request);
                });
                if (last === EXIT.suspended) {
                  context.note(
                    style.yellow(
                      'In this chat: /approve to decide now, /approve <tool> to allow it from now on.',
                    ),
                  );
                }
              } else if (command.name === '/help') {
                context.note(chatHelp(style));
              } else if (command.name === '/reset') {
                sessionId = newSessionId();
                context.note(`New session ${sessionId}: ${agent} starts over without this conversation.`);
              } else if (command.name === '/tools') {
                const tools = await agentTools(loaded, agent);
                context.note(
                  tools === undefined
                    ? `Cannot list the tools of ${agent} here: a tool slot only loads inside a run.`
                    : toolsTable(tools, approvals ?? {}, configApprovals(loaded.config, agent), style),
                );
              } else if (command.name === '/runs') {
                context.note(runsTable(await sessionRuns(sessionId), style));
              } else if (command.name === '/approve' && command.argument !== undefined) {
                const tool = command.argument;
                const names =
                  tool === '*' ? [] : ((await agentTools(loaded, agent))?.map((each) => each.name) ?? []);
                if (tool !== '*' && names.length > 0 && !names.includes(tool)) {
                  context.note(
                    `${agent} has no tool "${tool}".${didYouMean(tool, names)} Its tools: ${names.join(', ')}.`,
                  );
                } else {
                  approvals = allowTool(approvals ?? {}, tool);
                  context.note(
                    `${tool === '*' ? 'Every tool' : tool} runs without asking for the rest of this chat.`,
                  );
                }
              } else if (command.name === '/approve') {
                const suspended = (await sessionRuns(sessionId)).filter(
                  (record) => record.status === 'suspended' && record.parentRunId === undefined,
                );
                const target = suspended.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
                if (target === undefined) {
                  context.note('No run of this session is waiting for a decision.');
                } else {
                  const decisions = await promptDecisions(
                    {
                      reader,
                      writer: context.io.stderr,
                      style,
                      checkInput: async (call, input) => {
                        const check = await checkToolInput(loaded, agent, call.tool, input);
                        return check.status === 'invalid' ? check.issues : undefined;
                      },
                    },
                    target.pending,
                  );
                  if (decisions === undefined) break;
                  last = await drive((signal) => runtime.resume(target.runId, { decisions, signal }));
                }
              } else {
                context.note(unknownCommand(command.name));
              }
              running = false;
            }
          } finally {
            removeInterrupt();
            reader.close();
          }
          context.note(
            style.dim(
              `Session ${sessionId}: continue with ${AGENTRY_COMMAND} chat ${agent} --session ${sessionId}`,
            ),
          );
          return last === EXIT.suspended ? EXIT.suspended : EXIT.ok;
        }),
      ),
    );
  withExamples(command, [
    ['agentry chat assistant', 'talk on the terminal'],
    ['agentry chat assistant --session notes --approve read-file', 'continue a session'],
    ['printf "hi\\nthanks\\n" | agentry chat assistant', 'two runs from a pipe'],
    [
      'printf "/approve write-file\\nsave it\\n/runs\\n" | agentry chat assistant',
      'allow a tool, run, list runs',
    ],
  ]);
}
