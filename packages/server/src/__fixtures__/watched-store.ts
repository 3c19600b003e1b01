/** Test helper: a memory store that counts what is read from it and tells when a namespace is written. */
import { MemoryStore, type Store } from '@agentry/core';

const READS = new Set(['get', 'getMany', 'entries', 'readLease']);
const WRITES = new Set(['set', 'setMany', 'setJsonText', 'setBatch']);

export interface WatchedStore {
  readonly store: Store;
  /** Read calls and values read (each entry of `entries`, each key of `getMany`) since the last `reset`. */
  readonly reads: { calls: number; values: number };
  resetReads(): void;
  /** Resolves at the next write into `namespace`. */
  nextWrite(namespace: string): Promise<void>;
}

export function watchedStore(inner: Store = new MemoryStore()): WatchedStore {
  const reads = { calls: 0, values: 0 };
  const waiting = new Map<string, (() => void)[]>();
  const wrote = (namespace: string): void => {
    for (const resolve of waiting.get(namespace) ?? []) resolve();
    waiting.delete(namespace);
  };
  const namespacesOf = (method: string, args: unknown[]): string[] =>
    method === 'setBatch'
      ? (args[0] as { namespace: string }[]).map((entry) => entry.namespace)
      : [args[0] as string];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'entries') {
        return async function* (namespace: string) {
          reads.calls += 1;
          for await (const entry of method.call(target, namespace) as AsyncIterable<unknown>) {
            reads.values += 1;
            yield entry;
          }
        };
      }
      if (READS.has(property)) {
        return (...args: unknown[]) => {
          reads.calls += 1;
          reads.values += property === 'getMany' ? (args[1] as unknown[]).length : 1;
          return method.apply(target, args);
        };
      }
      if (WRITES.has(property)) {
        return async (...args: unknown[]) => {
          const result = await method.apply(target, args);
          for (const namespace of namespacesOf(property, args)) wrote(namespace);
          return result;
        };
      }
      return method.bind(target);
    },
  });
  return {
    store,
    reads,
    resetReads: () => {
      reads.calls = 0;
      reads.values = 0;
    },
    nextWrite: (namespace) =>
      new Promise<void>((resolve) => {
        waiting.set(namespace, [...(waiting.get(namespace) ?? []), resolve]);
      }),
  };
}
