/**
 * The root container before tsyringe is needed: the runtime's own singletons (symbol tokens given as values
 * or factories) resolve from a map; every other use of the `DependencyContainer` API builds the tsyringe
 * container once, with the same registrations, and goes there from then on.
 */
import type { DependencyContainer, InjectionToken } from 'tsyringe';

type Registration =
  | { readonly value: unknown }
  | { readonly factory: (container: DependencyContainer) => unknown };

/**
 * A `DependencyContainer` that loads tsyringe on first need. `createRuntime` resolves only the runtime's
 * tokens, so a runtime whose plugins ask for nothing else never loads tsyringe (about 10 ms at start).
 * Factories run once (the first resolve, here or in tsyringe) and their instance is shared by both.
 */
export class DeferredContainer implements DependencyContainer {
  readonly #registrations = new Map<symbol, Registration>();
  readonly #instances = new Map<symbol, unknown>();
  readonly #create: () => DependencyContainer;
  #real: DependencyContainer | undefined;

  /** @param create makes the tsyringe container the registrations move to (a child of its global one). */
  constructor(create: () => DependencyContainer) {
    this.#create = create;
  }

  /** Registers a singleton under a symbol token: a value, or a factory called once on first resolve. */
  provide(token: symbol, registration: Registration): void {
    if (this.#real !== undefined) {
      this.#real.register(token, { useFactory: (current) => this.#instance(token, registration, current) });
      return;
    }
    this.#registrations.set(token, registration);
  }

  /** True once the tsyringe container was built. */
  get materialized(): boolean {
    return this.#real !== undefined;
  }

  #instance(token: symbol, registration: Registration, current: DependencyContainer = this): unknown {
    if ('value' in registration) return registration.value;
    if (this.#instances.has(token)) return this.#instances.get(token);
    const instance = registration.factory(current);
    this.#instances.set(token, instance);
    return instance;
  }

  #container(): DependencyContainer {
    if (this.#real === undefined) {
      const real = this.#create();
      for (const [token, registration] of this.#registrations) {
        real.register(token, { useFactory: (current) => this.#instance(token, registration, current) });
      }
      this.#registrations.clear();
      this.#real = real;
    }
    return this.#real;
  }

  #own(token: InjectionToken): Registration | undefined {
    return this.#real === undefined && typeof token === 'symbol' ? this.#registrations.get(token) : undefined;
  }

  resolve<T>(token: InjectionToken): T {
    const own = this.#own(token);
    if (own !== undefined) return this.#instance(token as symbol, own) as T;
    return this.#container().resolve<T>(token);
  }

  isRegistered(token: InjectionToken, recursive?: boolean): boolean {
    if (this.#own(token) !== undefined) return true;
    return this.#container().isRegistered(token, recursive);
  }

  readonly register: DependencyContainer['register'] = (...args: unknown[]) => {
    (this.#container().register as (...rest: unknown[]) => unknown)(...args);
    return this;
  };

  readonly registerSingleton: DependencyContainer['registerSingleton'] = (...args: unknown[]) => {
    (this.#container().registerSingleton as (...rest: unknown[]) => unknown)(...args);
    return this;
  };

  registerType<T>(from: InjectionToken<T>, to: InjectionToken<T>): DependencyContainer {
    this.#container().registerType(from, to);
    return this;
  }

  registerInstance<T>(token: InjectionToken<T>, instance: T): DependencyContainer {
    this.#container().registerInstance(token, instance);
    return this;
  }

  resolveAll<T>(token: InjectionToken): T[] {
    return this.#container().resolveAll<T>(token);
  }

  reset(): void {
    this.#container().reset();
  }

  clearInstances(): void {
    this.#container().clearInstances();
  }

  createChildContainer(): DependencyContainer {
    return this.#container().createChildContainer();
  }

  readonly beforeResolution: DependencyContainer['beforeResolution'] = (token, callback, options) => {
    this.#container().beforeResolution(token, callback, options);
  };

  readonly afterResolution: DependencyContainer['afterResolution'] = (token, callback, options) => {
    this.#container().afterResolution(token, callback, options);
  };

  dispose(): Promise<void> | void {
    return this.#real?.dispose();
  }
}
