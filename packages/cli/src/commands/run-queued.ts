/** `agentry run --queue [--wait]`: submit a run to the configured queue, optionally following it to its end. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EnqueueRequest, Runtime } from '@agentry/core';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../render/errors.js';
import { formatEventLine } from '../render/event-line.js';
import { exitCodeOfRun, printResult, resultOfRecord } from '../run-driver.js';

/** `--priority` and `--run-at` as enqueue options. */
export function queueOptions(options: {
  priority?: string;
  runAt?: string;
}): Pick<EnqueueRequest, 'priority' | 'runAt'> {
  const result: Pick<EnqueueRequest, 'priority' | 'runAt'> = {};
  if (options.priority !== undefined) {
    const priority = Number(options.priority);
    if (!Number.isInteger(priority) || priority < 1) {
      throw new UsageError(`--priority must be a whole number of at least 1, got "${options.priority}".`);
    }
    result.priority = priority;
  }
  if (options.runAt !== undefined) {
    if (!Number.isFinite(Date.parse(options.runAt))) {
      throw new UsageError(
        `--run-at must be an ISO-8601 time, got "${options.runAt}".`,
        'e.g. --run-at 2026-01-01T09:00:00Z',
      );
    }
    result.runAt = options.runAt;
  }
  return result;
}

/** Statuses a followed run does not stop at: a worker drives it, or will (an interrupted run is handed over). */
const IN_FLIGHT = new Set(['queued', 'running', 'interrupted']);

/**
 * Enqueues the run and prints its id (stdout; `{ runId, status }` with `--json`). With `wait`, prints its
 * events as they are stored until it completes, fails, is cancelled or suspends, then its result.
 */
export async function submitToQueue(
  context: CliContext,
  runtime: Runtime,
  request: EnqueueRequest,
  wait: boolean,
): Promise<number> {
  const { runId } = await runtime.enqueue(request);
  if (!wait) {
    if (context.json) context.printJson({ runId, status: 'queued' });
    else context.human(runId);
    context.note(`queued ${runId} · follow it with: agentry events ${runId} --follow`);
    return EXIT.ok;
  }
  context.note(`queued ${runId}`);
  let afterSeq = 0;
  for (;;) {
    for (const event of await runtime.runs.events(runId, { afterSeq })) {
      context.note(formatEventLine(event, context.stderrStyle));
      afterSeq = Math.max(afterSeq, event.seq);
    }
    const record = await runtime.runs.get(runId);
    if (record && !IN_FLIGHT.has(record.status)) {
      const rest = await runtime.runs.events(runId, { afterSeq });
      for (const event of rest) context.note(formatEventLine(event, context.stderrStyle));
      const result = resultOfRecord(record);
      printResult(context, result);
      return exitCodeOfRun(result);
    }
    await sleep(200);
  }
}
