import { describe, expect, it } from 'vitest';
import type { Clock } from '../contracts/services.js';
import type { Store } from '../contracts/store.js';
import { createRootContainer, createRunContainer, resolveToken, TOKENS } from './container.js';
import type { DeferredContainer } from './deferred-container.js';

describe('DeferredContainer (the root container before tsyringe is needed)', () => {
  it("resolves the runtime's tokens without building the tsyringe container", () => {
    const root = createRootContainer({ clock: { now: () => 7 } }) as DeferredContainer;
    expect(resolveToken(root, TOKENS.Clock).now()).toBe(7);
    expect(resolveToken(root, TOKENS.IdFactory).next('run')).toMatch(/^run_/);
    expect(root.materialized).toBe(false);
  });

  it('shares a factory singleton made before tsyringe was built with the containers built after', () => {
    let created = 0;
    const root = createRootContainer({
      store: () => {
        created += 1;
        return { kind: 'store', name: `store ${created}` } as unknown as Store;
      },
    }) as DeferredContainer;
    const early = resolveToken(root, TOKENS.Store);
    const run = createRunContainer(root);
    expect(root.materialized).toBe(true);
    expect(resolveToken(run, TOKENS.Store)).toBe(early);
    expect(resolveToken(root, TOKENS.Store)).toBe(early);
    expect(created).toBe(1);
  });

  it('hands every other use to tsyringe: registrations made through it win over the defaults', () => {
    const root = createRootContainer();
    const clock: Clock = { now: () => 42 };
    root.register(TOKENS.Clock, { useValue: clock });
    expect(resolveToken(root, TOKENS.Clock)).toBe(clock);
    expect(root.isRegistered(Symbol('unknown'), true)).toBe(false);
    expect(() => root.resolve(Symbol.for('agentry.test.unregistered'))).toThrow();
  });
});
