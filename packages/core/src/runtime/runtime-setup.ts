/** What `DefaultRuntime` is built from, and the services and queries it derives from that. */
import { hostname } from 'node:os';
import type { DependencyContainer } from 'tsyringe';
import type { EventBus } from '../contracts/event-bus.js';
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { Closeable, PluginDeps } from '../contracts/plugin.js';
import type { Queue } from '../contracts/queue.js';
import type { RunFilter, RunRecord } from '../contracts/run.js';
import type { RunQueries } from '../contracts/runtime.js';
import type { Clock, IdFactory, Logger, Redactor } from '../contracts/services.js';
import type { Store, StoreFence } from '../contracts/store.js';
import { PluginError } from '../errors/agentry-error.js';
import { silentLogger } from '../services/console-logger.js';
import { RandomIdFactory } from '../services/random-id-factory.js';
import { SystemClock } from '../services/system-clock.js';
import type { AgentDefinition } from './agent/agent-setup.js';
import type { RunHooks } from './agent/run-hooks.js';
import type { ToolHooks } from './agent/tool-hooks.js';
import { readCheckpointedEvents } from './durability/checkpointed-events.js';
import { storePartialDecisions } from './records/partial-decisions.js';
import { RunRecords } from './records/run-records.js';
import type { RuntimeServices } from './state/run-context.js';
import type { RunPersistence } from './state/run-persistence.js';

/** What `DefaultRuntime` is built from: resolved instances (`createRuntime` builds them from config). */
export interface DefaultRuntimeSetup {
  store: Store;
  events: EventBus;
  agents: { [agentId: string]: AgentDefinition };
  /** Hooks for every tool of every agent, after each tool's and agent's own. */
  hooks?: ToolHooks;
  /** Run hooks of every agent: `beforeRun` before each agent's own, `afterRun` after them. */
  runHooks?: RunHooks;
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

/** The setup a runtime plugin was given by `createRuntime`; `plugin.create_failed` when it was created elsewhere. */
export function setupFromDeps(deps: PluginDeps): DefaultRuntimeSetup {
  const setup = (deps as Partial<RuntimePluginDeps>).setup;
  if (!setup) {
    throw new PluginError('plugin.create_failed', {
      message: 'A runtime plugin needs the resolved agents, store and bus',
      hint: 'Create runtimes with createRuntime({ config }); it loads the runtime slot with everything it needs.',
      context: { plugin: 'default' },
    });
  }
  return setup;
}

/** The services every run of a runtime uses, with the defaults for those the setup leaves out. */
export function runtimeServices(
  setup: DefaultRuntimeSetup,
  fenceOf?: (runId: string) => StoreFence | undefined,
): RuntimeServices {
  return {
    store: setup.store,
    bus: setup.events,
    logger: setup.logger ?? silentLogger,
    clock: setup.clock ?? new SystemClock(),
    ids: setup.ids ?? new RandomIdFactory(),
    redactor: setup.redactor,
    records: new RunRecords(setup.store, setup.redactor, fenceOf),
  };
}

/** `runtime.runs`: run records and checkpointed events, read from the store. */
export function runQueries(services: RuntimeServices): RunQueries {
  const { records, store } = services;
  return {
    list: (filter?: RunFilter): Promise<RunRecord[]> => records.list(filter),
    get: (runId: string): Promise<RunRecord | undefined> => records.get(runId),
    events: (runId: string, options?: { afterSeq?: number | undefined }): Promise<AnyAgentryEvent[]> =>
      readCheckpointedEvents(store, runId, options?.afterSeq ?? 0),
    decisions: storePartialDecisions(store),
  };
}

/**
 * A run-lease owner name unique to this runtime instance: host, process and 32 random bits. The bits tell
 * runtimes of one process apart, and a restarted process from its predecessor with the same pid; they need
 * not be unpredictable (a lease is fenced by its token), so they do not wait for the crypto RNG to start.
 */
export function defaultOwnerName(): string {
  const random = Math.floor(Math.random() * 2 ** 32)
    .toString(16)
    .padStart(8, '0');
  return `${hostname()}-${process.pid}-${random}`;
}
