/** `agentry resume <runId>`: decides pending calls of a suspended run and continues it, from any process. */
import { type Decision, type JsonValue, type PendingCall, RunError } from '@agentry/core';
import { DEFAULT_RUN_LEASE_TTL_MS } from '@agentry/core/internal';
import { type Command, Option } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import type { LoadedConfig } from '../core-api.js';
import { collect, withRuntime } from '../open-runtime.js';
import { UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';
import { canPrompt, driveRun } from '../run-driver.js';
import { checkToolInput } from '../tool-input-check.js';
import { requireRun } from './runs.js';

/** Options of `agentry resume`. */
export interface ResumeOptions {
  config?: string;
  approve?: string[];
  input?: string;
  always?: boolean;
  deny?: string[];
  reason?: string;
  retry?: string[];
  skip?: string[];
  result?: string;
  fail?: string[];
  json?: boolean;
  interactive: boolean;
}

function parseJsonOption(flag: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new UsageError(
      `${flag} is not valid JSON: ${(error as Error).message}`,
      `Quote it for the shell: ${flag} '{"path":"a.txt"}'`,
    );
  }
}

/** Turns the decision flags into decisions by call id; `all` approves every pending approval. */
export function decisionsFromOptions(
  options: ResumeOptions,
  pending: readonly PendingCall[],
): { [callId: string]: Decision } {
  const decisions: { [callId: string]: Decision } = {};
  const known = pending.map((call) => call.callId);
  const expand = (ids: readonly string[] = [], reason: PendingCall['reason']): string[] =>
    ids.flatMap((id) =>
      id === 'all' ? pending.filter((call) => call.reason === reason).map((call) => call.callId) : [id],
    );
  const set = (callId: string, decision: Decision) => {
    if (!known.includes(callId)) {
      throw new UsageError(
        `Call "${callId}" is not pending in this run.${didYouMean(callId, known)}`,
        known.length === 0 ? 'The run waits on no calls.' : `Pending calls: ${known.join(', ')}.`,
      );
    }
    if (decisions[callId] !== undefined) throw new UsageError(`Call "${callId}" got two decisions.`);
    decisions[callId] = decision;
  };
  const approvals = expand(options.approve, 'approval');
  if (options.input !== undefined && approvals.length !== 1) {
    throw new UsageError('--input edits the input of one call: give exactly one --approve <callId> with it.');
  }
  if (options.reason !== undefined && (options.deny ?? []).length === 0) {
    throw new UsageError('--reason goes with --deny <callId>.');
  }
  if (options.result !== undefined && (options.skip ?? []).length !== 1) {
    throw new UsageError('--result goes with exactly one --skip <callId>.');
  }
  // An approval or denial carries the hash of the input it was made for, so it binds to that exact call.
  const inputHash = (callId: string) => pending.find((call) => call.callId === callId)?.inputHash;
  const boundTo = (callId: string) => {
    const hash = inputHash(callId);
    return hash === undefined ? {} : { inputHash: hash };
  };
  for (const callId of approvals) {
    set(callId, {
      approve: true,
      ...boundTo(callId),
      ...(options.input === undefined ? {} : { input: parseJsonOption('--input', options.input) }),
      ...(options.always === true ? { sticky: true } : {}),
    });
  }
  for (const callId of expand(options.deny, 'approval')) {
    set(callId, { approve: false, ...boundTo(callId), reason: options.reason ?? 'Denied by the user' });
  }
  for (const callId of expand(options.retry, 'outcome_unknown')) set(callId, { outcome: 'retry' });
  for (const callId of options.skip ?? []) {
    if (options.result === undefined)
      throw new UsageError('--skip needs --result <json>: the result to record.');
    set(callId, { outcome: 'skip', result: parseJsonOption('--result', options.result) });
  }
  for (const callId of expand(options.fail, 'outcome_unknown'))
    set(callId, { outcome: 'fail', reason: 'Failed by the user' });
  return decisions;
}

/**
 * Validates edited input (`--input`) against the tool's input schema before anything resumes.
 *
 * @throws RunError `run.decision_invalid` (exit 2) listing the schema's complaints.
 */
export async function checkEditedInput(
  loaded: LoadedConfig,
  agentId: string,
  pending: readonly PendingCall[],
  decisions: { [callId: string]: Decision },
): Promise<void> {
  for (const call of pending) {
    const decision = decisions[call.callId];
    if (decision === undefined || !('approve' in decision) || !decision.approve) continue;
    if (decision.input === undefined) continue;
    const check = await checkToolInput(loaded, agentId, call.tool, decision.input);
    if (check.status !== 'invalid') continue;
    throw new RunError('run.decision_invalid', {
      message: `--input does not match the input schema of "${call.tool}" (call ${call.callId}):\n${check.issues}`,
      hint: `The call's current input is ${JSON.stringify(call.input)}; edit that and pass it with --input '<json>'.`,
      context: { callId: call.callId, tool: call.tool },
    });
  }
}

/**
 * Seconds `resume` may wait for a crashed owner's run lease to expire: twice the lease TTL (env
 * `AGENTRY_RUN_LEASE_TTL_MS`, else the default), as the runtime watches a held lease that long.
 */
export function leaseWaitSeconds(env: Readonly<Record<string, string | undefined>>): number {
  const raw = Number(env.AGENTRY_RUN_LEASE_TTL_MS);
  const ttlMs = env.AGENTRY_RUN_LEASE_TTL_MS !== undefined && raw > 0 ? raw : DEFAULT_RUN_LEASE_TTL_MS;
  return Math.ceil((2 * ttlMs) / 1000);
}

export function registerResume(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('resume')
    .description('Continue a suspended or interrupted run, with decisions on its pending calls')
    .argument('<runId>', 'the run to continue')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--approve <callId>', 'approve a pending call (repeatable; "all" for every one)', collect)
    .option(
      '--input <json>',
      'with one --approve: run the call with this input instead (checked against the tool schema)',
    )
    .option('--always', 'with --approve: also allow later calls of the same tool in this run')
    .option('--deny <callId>', 'deny a pending call (repeatable; "all")', collect)
    .option('--reason <text>', 'with --deny: why (the model is told)')
    .option('--retry <callId>', 'outcome unknown: run the call again (repeatable; "all")', collect)
    .option('--skip <callId>', 'outcome unknown: record --result without running it', collect)
    .option('--result <json>', 'with --skip: the result to record')
    .option('--fail <callId>', 'outcome unknown: fail the run (repeatable; "all")', collect)
    .addOption(new Option('--no-interactive', 'never prompt for calls left undecided'))
    .option('--json', 'print the RunResult as one JSON document; nothing prompts')
    .action(
      action(context, exit, async (runId: string, options: ResumeOptions) =>
        withRuntime(context, options.config, async (opened) => {
          const { runtime, loaded } = opened;
          const record = await requireRun(runtime.runs, runId);
          const pending = record.pending;
          const decisions = decisionsFromOptions(options, pending);
          await checkEditedInput(loaded, record.agentId, pending, decisions);
          if (record.status === 'running') {
            // Still marked running: its process crashed (or runs elsewhere) and holds the run lease until it expires.
            context.note(
              `Waiting up to ${leaseWaitSeconds(context.io.env)}s for the crashed process's lease on run ${runId} to expire…`,
            );
          }
          return driveRun({
            context,
            ...opened,
            interactive: canPrompt(context, options.interactive),
            runId,
            ...(opened.configArg === undefined ? {} : { configArg: opened.configArg }),
            start: (signal) =>
              runtime.resume(runId, { signal, ...(Object.keys(decisions).length > 0 ? { decisions } : {}) }),
          });
        }),
      ),
    );
  withExamples(command, [
    ['agentry resume run_123 --approve all', 'approve every pending call'],
    ['agentry resume run_123 --approve call_1 --input \'{"path":"b.txt"}\'', 'approve with edited input'],
    ['agentry resume run_123 --deny call_1 --reason "not on Fridays"', 'deny; the model is told why'],
    ['agentry resume run_123 --skip call_2 --result \'{"sent":true}\'', 'record an outcome after a crash'],
    ['agentry resume run_123', 'continue a crashed or failed-retryable run'],
  ]);
}
