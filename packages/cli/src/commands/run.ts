/** `agentry run [agent] [input]`: runs an agent with live progress, inline approvals and a summary. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApprovalPolicy, RunRequest, SessionBusyPolicy } from '@agentry/core';
import { type Command, Option } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import type { CliReader } from '../io.js';
import { collect, withRuntime } from '../open-runtime.js';
import { UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';
import { canPrompt, driveRun, runStreamed, streamsText } from '../run-driver.js';
import { agentToolNames } from '../tool-input-check.js';
import { queueOptions, submitToQueue } from './run-queued.js';

interface RunOptions {
  config?: string;
  session?: string;
  sessionPolicy?: SessionBusyPolicy;
  durable?: boolean;
  json?: boolean;
  approve?: string[];
  deny?: string[];
  interactive: boolean;
  inputFile?: string;
  queue?: boolean;
  wait?: boolean;
  priority?: string;
  runAt?: string;
}

/** Reads a whole stream as UTF-8. */
export async function readAll(stream: CliReader): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** `--approve`/`--deny` as a run's approval policy (`*` sets the default). */
export function approvalPolicy(
  approve: readonly string[] = [],
  deny: readonly string[] = [],
): ApprovalPolicy | undefined {
  if (approve.length === 0 && deny.length === 0) return undefined;
  const policy: ApprovalPolicy = { tools: {} };
  for (const tool of approve) {
    if (tool === '*') policy.default = 'allow';
    else policy.tools![tool] = 'allow';
  }
  for (const tool of deny) {
    if (tool === '*') policy.default = 'deny';
    else policy.tools![tool] = 'deny';
  }
  return policy;
}

/**
 * Fails with a did-you-mean when `--approve`/`--deny` names a tool the agent does not have (a policy for it
 * would be silently ignored). `*` always passes; with unknown tool names (`undefined`) nothing is checked.
 */
export function checkApprovalTools(
  agent: string,
  tools: readonly string[] | undefined,
  approve: readonly string[] = [],
  deny: readonly string[] = [],
): void {
  if (tools === undefined) return;
  for (const [flag, names] of [
    ['--approve', approve],
    ['--deny', deny],
  ] as const) {
    for (const name of names) {
      if (name === '*' || tools.includes(name)) continue;
      throw new UsageError(
        `${flag} ${name}: agent "${agent}" has no tool named "${name}".${didYouMean(name, tools)}`,
        tools.length === 0
          ? `Agent "${agent}" has no tools.`
          : `Its tools: ${tools.join(', ')} (or * for every tool).`,
      );
    }
  }
}

/** The usage line of `agentry run`, shown when no input was given. */
export const RUN_USAGE = 'agentry run [options] [agent] [input]';
const INPUT_HINT = `Usage: ${RUN_USAGE}\nPass the input as an argument, with --input-file <file>, or pipe it on stdin (see agentry run --help).`;

/** Picks the agent and the input from the positional arguments, a file or stdin. */
async function resolveAgentAndInput(
  context: CliContext,
  agents: readonly string[],
  agentArg: string | undefined,
  inputArg: string | undefined,
  options: RunOptions,
): Promise<{ agent: string; input: string }> {
  let agent = agentArg;
  let input = inputArg;
  if (agent !== undefined && !agents.includes(agent) && input === undefined && agents.length === 1) {
    input = agent;
    agent = agents[0];
  }
  if (agent === undefined) {
    if (agents.length !== 1) {
      throw new UsageError(
        'Which agent should run?',
        `Name one: agentry run <agent> "<input>". Agents: ${agents.join(', ')}.`,
      );
    }
    agent = agents[0]!;
  }
  if (!agents.includes(agent)) {
    throw new UsageError(
      `No agent named "${agent}".${didYouMean(agent, agents)}`,
      `Agents in the config: ${agents.join(', ')}.`,
    );
  }
  if (input !== undefined && options.inputFile !== undefined) {
    throw new UsageError('Give the input once: as an argument or with --input-file, not both.');
  }
  if (options.inputFile !== undefined) {
    input = await readFile(path.resolve(context.io.cwd, options.inputFile), 'utf8');
  } else if (input === undefined || input === '-') {
    if (context.io.stdin.isTTY === true && input !== '-') {
      throw new UsageError('No input given.', INPUT_HINT);
    }
    input = await readAll(context.io.stdin);
    if (input.trim() === '' && inputArg === undefined) {
      throw new UsageError('No input given: nothing came on stdin.', INPUT_HINT);
    }
  }
  if (input.trim() === '')
    throw new UsageError('The input is empty: give the agent something to do.', INPUT_HINT);
  return { agent, input };
}

export function registerRun(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('run')
    .description('Run an agent: live progress, approvals inline on a terminal, and a summary')
    .argument('[agent]', 'agent name (optional when the config has one agent)')
    .argument('[input]', 'what to ask (or --input-file, or stdin; "-" reads stdin)')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('-s, --session <id>', 'session id (runs of one session share memory; one active run per session)')
    .addOption(
      new Option(
        '--session-policy <policy>',
        'when the session already has an active run (default: the agent setting, else enqueue)',
      ).choices(['reject', 'enqueue', 'interrupt', 'steer']),
    )
    .option(
      '--durable',
      'checkpoint after every model response and every result of a tool with side effects (default: the agent setting)',
    )
    .option('-f, --input-file <file>', 'read the input from a file')
    .option('--approve <tool>', 'allow a tool without asking (repeatable; * for every tool)', collect)
    .option('--deny <tool>', 'refuse a tool; the model is told (repeatable)', collect)
    .addOption(
      new Option('--no-interactive', 'never prompt: a call that needs approval suspends the run (exit 3)'),
    )
    .option('--json', 'print the RunResult as one JSON document; progress goes to stderr and nothing prompts')
    .option('--queue', "submit the run to the config's queue, print its id and exit (a worker drives it)")
    .option('--wait', "with --queue: follow the run's events until it ends, then print its result")
    .option('--priority <n>', 'with --queue: lower numbers are taken first')
    .option('--run-at <time>', 'with --queue: not before this ISO-8601 time')
    .action(
      action(
        context,
        exit,
        async (agentArg: string | undefined, inputArg: string | undefined, options: RunOptions) =>
          withRuntime(context, options.config, async (opened) => {
            const { runtime } = opened;
            const { agent, input } = await resolveAgentAndInput(
              context,
              runtime.agents(),
              agentArg,
              inputArg,
              options,
            );
            if (options.approve !== undefined || options.deny !== undefined) {
              const tools = await agentToolNames(opened.loaded, agent);
              checkApprovalTools(agent, tools, options.approve, options.deny);
            }
            const approvals = approvalPolicy(options.approve, options.deny);
            if (options.queue === true) {
              return submitToQueue(
                context,
                runtime,
                {
                  agent,
                  input,
                  ...(options.session === undefined ? {} : { sessionId: options.session }),
                  ...(options.durable === true ? { durable: true } : {}),
                  ...(approvals === undefined ? {} : { approvals }),
                  ...queueOptions(options),
                },
                options.wait === true,
              );
            }
            if (options.wait === true || options.priority !== undefined || options.runAt !== undefined) {
              throw new UsageError('--wait, --priority and --run-at go with --queue.');
            }
            return driveRun({
              context,
              ...opened,
              interactive: canPrompt(context, options.interactive),
              ...(opened.configArg === undefined ? {} : { configArg: opened.configArg }),
              start: (signal) => {
                const request: RunRequest = {
                  agent,
                  input,
                  signal,
                  ...(options.session === undefined ? {} : { sessionId: options.session }),
                  ...(options.sessionPolicy === undefined ? {} : { sessionPolicy: options.sessionPolicy }),
                  ...(options.durable === true ? { durable: true } : {}),
                  ...(approvals === undefined ? {} : { approvals }),
                };
                return streamsText(context) ? runStreamed(runtime, request) : runtime.run(request);
              },
            });
          }),
      ),
    );
  withExamples(command, [
    ['agentry run assistant "Summarise notes.txt"', 'run with live progress'],
    ['echo "Summarise notes.txt" | agentry run assistant', 'input from stdin'],
    ['agentry run assistant -f task.md --durable --session demo', 'durable run in a session'],
    ['agentry run assistant "Clean up" --approve read-file --deny write-file', 'pre-decide approvals'],
    ['agentry run assistant "Write a report" --no-interactive --json', 'for scripts: exit 3 when it waits'],
  ]);
  command.addHelpText(
    'after',
    '\nOn a terminal the model\'s text streams as it is generated; in a pipe each response comes as plain lines. --verbose adds a mark per saved checkpoint; --quiet prints only the output (and what needs you).\nCtrl-C or SIGTERM interrupts a durable run at a safe point (stop reason "interrupted", resumable; the resume command is printed; exit 130 or 143) and cancels any other run (stop reason "cancelled"); a second signal exits at once.\nExit codes: 0 completed, 1 failed or cancelled, 2 usage or config error, 3 suspended (the resume commands are printed; a run that is not durable, or lives in the in-memory store, cannot be resumed later: start it with --durable).\n',
  );
}
