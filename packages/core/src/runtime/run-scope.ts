/** The child DI container of one run: run-scoped values for plugins that resolve from the container. */
import type { DependencyContainer } from 'tsyringe';
import { createRunContainer } from '../loader/container.js';

/** What a run registers in its child container under `RUN_SCOPE_TOKEN`. */
export interface RunScope {
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
  /** Aborted when the run is cancelled or times out. */
  readonly signal: AbortSignal;
}

/** Token of the `RunScope` value in a run's child container. */
export const RUN_SCOPE_TOKEN = Symbol.for('agentry.RunScope');

/** Creates the run's child container of `root` with its `RunScope` registered. */
export function openRunScope(root: DependencyContainer, scope: RunScope): DependencyContainer {
  const child = createRunContainer(root);
  child.register(RUN_SCOPE_TOKEN, { useValue: scope });
  return child;
}

/** Disposes a run's child container (and what it created); errors are ignored. */
export async function closeRunScope(container: DependencyContainer | undefined): Promise<void> {
  if (!container) return;
  try {
    await container.dispose();
  } catch {
    // Disposal only releases run-scoped instances; a failure must not change the run's result.
  }
}
