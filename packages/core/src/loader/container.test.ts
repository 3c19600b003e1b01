import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../contracts/services.js';
import type { Store } from '../contracts/store.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { createRootContainer, createRunContainer, resolveToken, TOKENS } from './container.js';
import { PluginLoader } from './plugin-loader.js';

const fixtureDir = fileURLToPath(new URL('./__fixtures__/project/', import.meta.url));

describe('containers', () => {
  it('uses explicit Symbol.for tokens, so another copy of core finds the same singletons', () => {
    expect(TOKENS.Store).toBe(Symbol.for('agentry.Store'));
    expect(TOKENS.Config).toBe(Symbol.for('agentry.Config'));
  });

  it('creates factory singletons once and shares them with every run container', () => {
    let created = 0;
    const root = createRootContainer({
      store: () => {
        created += 1;
        return { kind: 'store' } as unknown as Store;
      },
    });
    const first = createRunContainer(root);
    const second = createRunContainer(root);
    expect(resolveToken(first, TOKENS.Store)).toBe(resolveToken(second, TOKENS.Store));
    expect(created).toBe(1);
  });

  it('keeps run registrations in the run container', () => {
    const root = createRootContainer();
    const run = createRunContainer(root);
    const clock: Clock = { now: () => 42 };
    run.register(TOKENS.Clock, { useValue: clock });
    expect(resolveToken(run, TOKENS.Clock).now()).toBe(42);
    expect(resolveToken(root, TOKENS.Clock)).not.toBe(clock);
  });

  it('gives defaults for clock, ids, logger and redactor, and a clear error for an unregistered store', () => {
    const root = createRootContainer();
    const ids = resolveToken(root, TOKENS.IdFactory);
    expect(ids.next('run')).toMatch(/^run_[A-Za-z0-9_-]{21}$/);
    expect(ids.next('run')).not.toBe(ids.next('run'));
    expect(resolveToken(root, TOKENS.Redactor).redactText('x')).toBe('x');
    let caught: unknown;
    try {
      resolveToken(root, TOKENS.Store);
    } catch (error) {
      caught = error;
    }
    expect(isAgentryError(caught) && caught.message).toBe('no Store is registered in this runtime');
  });

  it('builds plugin deps from the container the plugin is loaded in; unregistered services fail when asked', async () => {
    const store = { kind: 'store' } as unknown as Store;
    const root = createRootContainer({ store, ids: { next: (prefix) => `${prefix}_1` } });
    const loader = new PluginLoader({ baseDir: fixtureDir, container: root });
    const probe = (await loader.load('memory', { impl: './deps-probe.ts#depsProbe' }, ['m'], {
      container: createRunContainer(root),
    })) as unknown as { store: unknown; id: string; events(): unknown };
    expect(probe.store).toBe(store);
    expect(probe.id).toBe('probe_1');
    expect(() => probe.events()).toThrow('no EventBus is registered in this runtime');
  });
});
