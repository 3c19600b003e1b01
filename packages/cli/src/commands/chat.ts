/** `agentry chat [agent]`: a conversation on the terminal; every line is a run in one session. */
import { randomUUID } from 'node:crypto';
import type { RunRequest } from '@agentry/core';
import type { Command } from 'commander';
import { LineReader } from '../approval-prompt.js';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { collect, withRuntime } from '../open-runtime.js';
import { EXIT, UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';
import { driveRun, runStreamed, streamsText } from '../run-driver.js';
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
    .description('Talk to an agent: each line you type is one run, all in one session (memory carries over)')
    .argument('[agent]', 'agent name (optional when the config has one agent)')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('-s, --session <id>', 'session id (default: a new one; reuse it to continue a conversation)')
    .option('--durable', 'checkpoint every step')
    .option('--approve <tool>', 'allow a tool without asking (repeatable; * for every tool)', collect)
    .option('--deny <tool>', 'refuse a tool; the model is told (repeatable)', collect)
    .action(
      action(context, exit, async (agentArg: string | undefined, options: ChatOptions) =>
        withRuntime(context, options.config, async ({ runtime, loaded, persistentStore }) => {
          const agents = runtime.agents();
          const agent = agentArg ?? (agents.length === 1 ? agents[0] : undefined);
          if (agent === undefined) throw new UsageError('Which agent?', `Agents: ${agents.join(', ')}.`);
          if (!agents.includes(agent)) {
            throw new UsageError(
              `No agent named "${agent}".${didYouMean(agent, agents)}`,
              `Agents: ${agents.join(', ')}.`,
            );
          }
          const sessionId = options.session ?? `chat_${randomUUID().slice(0, 8)}`;
          const approvals = approvalPolicy(options.approve, options.deny);
          const interactive = context.io.stdin.isTTY === true && context.io.stderr.isTTY === true;
          const reader = new LineReader(context.io.stdin);
          let running = false;
          const removeInterrupt = context.io.onInterrupt(() => {
            if (!running) reader.close();
          });
          const style = context.stderrStyle;
          context.note(
            style.dim(`Chatting with ${agent} (session ${sessionId}). Empty line or Ctrl-D to leave.`),
          );
          let last = EXIT.ok as number;
          try {
            for (;;) {
              if (interactive) context.io.stderr.write(`${style.bold(style.cyan('you ›'))} `);
              const line = await reader.next();
              if (line === undefined || line.trim() === '' || line.trim() === '/exit') break;
              running = true;
              last = await driveRun({
                context,
                runtime,
                persistentStore,
                loaded,
                interactive,
                reader,
                ...(options.config === undefined ? {} : { configArg: options.config }),
                start: (signal) => {
                  const request: RunRequest = {
                    agent,
                    input: line,
                    sessionId,
                    signal,
                    ...(options.durable === true ? { durable: true } : {}),
                    ...(approvals === undefined ? {} : { approvals }),
                  };
                  return streamsText(context) ? runStreamed(runtime, request) : runtime.run(request);
                },
              });
              running = false;
            }
          } finally {
            removeInterrupt();
            reader.close();
          }
          context.note(
            style.dim(`Session ${sessionId}: continue with agentry chat ${agent} --session ${sessionId}`),
          );
          return last === EXIT.suspended ? EXIT.suspended : EXIT.ok;
        }),
      ),
    );
  withExamples(command, [
    ['agentry chat assistant', 'talk on the terminal'],
    ['agentry chat assistant --session notes --approve read-file', 'continue a session'],
    ['printf "hi\\nthanks\\n" | agentry chat assistant', 'two runs from a pipe'],
  ]);
}
