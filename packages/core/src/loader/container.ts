/** Dependency injection with tsyringe: explicit tokens, a root container of runtime singletons, child containers for scoped registrations. */
import { createRequire } from 'node:module';
import type { DependencyContainer } from 'tsyringe';
import { createRedactor } from '../config/redactor.js';
import type { LoadedConfig } from '../config/resolve.js';
import type { EventBus } from '../contracts/event-bus.js';
import type { ModelRegistry } from '../contracts/model.js';
import type { ChildRunner } from '../contracts/runtime.js';
import type { Clock, IdFactory, Logger, Redactor } from '../contracts/services.js';
import type { Store } from '../contracts/store.js';
import { PluginError } from '../errors/agentry-error.js';
import { silentLogger } from '../services/console-logger.js';
import { RandomIdFactory } from '../services/random-id-factory.js';
import { SystemClock } from '../services/system-clock.js';
import { DeferredContainer } from './deferred-container.js';
import { installReflectMetadata } from './reflect-metadata.js';

let tsyringeModule: typeof import('tsyringe') | undefined;

/**
 * tsyringe, required when a root container first needs it (after the reflect-metadata polyfill). Its
 * Node entry is CommonJS, so this is the instance `import 'tsyringe'` gives too; importing core does not load
 * it, and neither does a runtime whose plugins only ask for the runtime's own tokens.
 */
function tsyringe(): typeof import('tsyringe') {
  installReflectMetadata();
  tsyringeModule ??= createRequire(import.meta.url)('tsyringe') as typeof import('tsyringe');
  return tsyringeModule;
}

/** A symbol token that remembers the type it resolves to. */
export type Token<T> = symbol & { readonly __resolves?: T };

/** Injection tokens of the runtime singletons. Never rely on `design:paramtypes`: use these. */
export const TOKENS = {
  Store: Symbol.for('agentry.Store') as Token<Store>,
  EventBus: Symbol.for('agentry.EventBus') as Token<EventBus>,
  ModelRegistry: Symbol.for('agentry.ModelRegistry') as Token<ModelRegistry>,
  Clock: Symbol.for('agentry.Clock') as Token<Clock>,
  IdFactory: Symbol.for('agentry.IdFactory') as Token<IdFactory>,
  Logger: Symbol.for('agentry.Logger') as Token<Logger>,
  Redactor: Symbol.for('agentry.Redactor') as Token<Redactor>,
  Config: Symbol.for('agentry.Config') as Token<LoadedConfig>,
  ChildRunner: Symbol.for('agentry.ChildRunner') as Token<ChildRunner>,
} as const;

/** A singleton given as a value, or as a factory called once on first resolve. */
export type Provide<T> = T | ((container: DependencyContainer) => T);

/** What `createRootContainer` registers; clock, ids, logger and redactor have defaults. */
export interface RootServices {
  store?: Provide<Store>;
  events?: Provide<EventBus>;
  models?: Provide<ModelRegistry>;
  clock?: Provide<Clock>;
  ids?: Provide<IdFactory>;
  logger?: Provide<Logger>;
  redactor?: Provide<Redactor>;
  config?: Provide<LoadedConfig>;
  /** Child runs for delegating tools (`PluginDeps.childRuns`); `createRuntime` provides it lazily. */
  childRuns?: Provide<ChildRunner>;
}

/** Tokens whose singleton is being created right now, per container family (root and its run children). */
const CREATING = new WeakMap<DependencyContainer, Set<symbol>>();

function creatingSet(container: DependencyContainer): Set<symbol> {
  let set = CREATING.get(container);
  if (!set) {
    set = new Set();
    CREATING.set(container, set);
  }
  return set;
}

/** Runs `create` with `token` marked as being created, so a dependency cycle fails clearly. */
export async function whileCreating<T>(
  container: DependencyContainer,
  token: symbol,
  create: () => Promise<T>,
): Promise<T> {
  const set = creatingSet(container);
  set.add(token);
  try {
    return await create();
  } finally {
    set.delete(token);
  }
}

function describeToken(token: symbol): string {
  return (token.description ?? String(token)).replace(/^agentry\./, '');
}

/**
 * Resolves a token; throws a clear PluginError when it is not registered or
 * when it is asked for while that very singleton is being created.
 */
export function resolveToken<T>(container: DependencyContainer, token: Token<T>): T {
  if (creatingSet(container).has(token) || !container.isRegistered(token, true)) {
    throw unresolvable(container, token);
  }
  return container.resolve<T>(token);
}

/** Why `token` cannot resolve: it is being created (a cycle), or nothing provides it. */
function unresolvable(container: DependencyContainer, token: symbol): PluginError {
  const name = describeToken(token);
  if (creatingSet(container).has(token)) {
    return new PluginError('plugin.create_failed', {
      message: `the ${name} was requested while the ${name} itself is being created`,
      hint: `a ${name} plugin cannot depend on the runtime's ${name}; take what it needs from its config or deps.load()`,
    });
  }
  return new PluginError('plugin.create_failed', {
    message: `no ${name} is registered in this runtime`,
    hint: `register one: createRootContainer({ ${name.charAt(0).toLowerCase()}${name.slice(1)}: … })`,
  });
}

function register<T>(root: DeferredContainer, token: Token<T>, provide: Provide<T> | undefined): void {
  if (provide === undefined) return;
  if (typeof provide === 'function') {
    const factory = provide as (container: DependencyContainer) => T;
    root.provide(token, {
      factory: (current) => {
        const set = creatingSet(root);
        if (set.has(token)) {
          throw new PluginError('plugin.create_failed', {
            message: `the ${describeToken(token)} depends on itself`,
            hint: 'break the cycle in the factory passed to createRootContainer',
          });
        }
        set.add(token);
        try {
          return factory(current);
        } finally {
          set.delete(token);
        }
      },
    });
  } else root.provide(token, { value: provide });
}

/**
 * The root container: runtime singletons (store, bus, models, services).
 * Unset clock, ids, logger and redactor get defaults (`SystemClock`,
 * `RandomIdFactory`, a silent logger, a fresh redactor). It is a child of tsyringe's global
 * container, so nothing global is touched; tsyringe itself is loaded only when something asks the
 * container for more than these tokens (see `DeferredContainer`).
 *
 * @example
 * ```ts
 * const root = createRootContainer({ store, events: () => new MittEventBus() });
 * const run = createRunContainer(root);
 * ```
 */
export function createRootContainer(services: RootServices = {}): DependencyContainer {
  const creating = new Set<symbol>();
  const root = new DeferredContainer(() => {
    const real = tsyringe().container.createChildContainer();
    CREATING.set(real, creating);
    return real;
  });
  CREATING.set(root, creating);
  register(root, TOKENS.Store, services.store);
  register(root, TOKENS.EventBus, services.events);
  register(root, TOKENS.ModelRegistry, services.models);
  register(root, TOKENS.Config, services.config);
  register(root, TOKENS.ChildRunner, services.childRuns);
  register(root, TOKENS.Clock, services.clock ?? new SystemClock());
  register(root, TOKENS.IdFactory, services.ids ?? new RandomIdFactory());
  register(root, TOKENS.Logger, services.logger ?? silentLogger);
  register(root, TOKENS.Redactor, services.redactor ?? createRedactor());
  return root;
}

/** A child container for one run: run-scoped registrations go here and vanish with the run. */
export function createRunContainer(root: DependencyContainer): DependencyContainer {
  const child = root.createChildContainer();
  CREATING.set(child, creatingSet(root));
  return child;
}
