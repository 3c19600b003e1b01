/** What `DefaultRuntime` is built from. */
import type { DependencyContainer } from 'tsyringe';
import type { EventBus } from '../contracts/event-bus.js';
import type { Closeable, PluginDeps } from '../contracts/plugin.js';
import type { Queue } from '../contracts/queue.js';
import type { Clock, IdFactory, Logger, Redactor } from '../contracts/services.js';
import type { Store } from '../contracts/store.js';
import type { AgentDefinition } from './agent/agent-setup.js';
import type { RunPersistence } from './durability/run-persistence.js';
import type { ToolHooks } from './tools/hooks.js';

/** What `DefaultRuntime` is built from: resolved instances (`createRuntime` builds them from config). */
export interface DefaultRuntimeSetup {
  store: Store;
  events: EventBus;
  agents: { [agentId: string]: AgentDefinition };
  /** Hooks for every tool of every agent, after each tool's and agent's own. */
  hooks?: ToolHooks;
  logger?: Logger;
  clock?: Clock;
  ids?: IdFactory;
  redactor?: Redactor;
  /** Store-backed checkpointer for durable runs; without one, durable runs are kept in this process only. */
  durablePersistence?: RunPersistence;
  /** Plugins holding resources, closed by `close()` (after the bus, before the store). */
  closeables?: readonly Closeable[];
  /** Root DI container (from `createRuntime`): the runtime singletons its plugins were created from. */
  container?: DependencyContainer;
  /**
   * Time-to-live of the run lease a durable run holds while this runtime
   * executes it (renewed every third of it). A run whose process died can be
   * resumed elsewhere once it expires. Default 15 000 ms.
   */
  runLeaseTtlMs?: number;
  /** This runtime's name in run leases (default `<host>-<pid>-<random>`); shown when a resume is refused. */
  owner?: string;
  /** Where `enqueue` puts runs and `work` takes them from (default: a new in-process `LocalQueue`). */
  queue?: Queue;
  /** Most active runs per agent across all workers (the agents' `maxActiveRuns`). */
  agentLimits?: { [agentId: string]: number };
}

/** Deps a runtime plugin receives from `createRuntime`: the usual plugin deps plus the resolved setup. */
export interface RuntimePluginDeps extends PluginDeps {
  readonly setup: DefaultRuntimeSetup;
}
