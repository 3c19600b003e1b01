/** Starts a runtime's triggers for `agentry serve` / `agentry worker` and says which are running. */
import type { Runtime, StartTriggersOptions, TriggerHandle } from '@agentry/core';
import type { CliContext } from '../context.js';

export async function startTriggersNoted(
  context: CliContext,
  runtime: Runtime,
  options: StartTriggersOptions = {},
): Promise<TriggerHandle | undefined> {
  if (!runtime.startTriggers) return undefined;
  const handle = await runtime.startTriggers({ ...options, env: context.io.env });
  if (handle.started.length > 0) context.note(`triggers: ${handle.started.join(', ')}`);
  return handle;
}
