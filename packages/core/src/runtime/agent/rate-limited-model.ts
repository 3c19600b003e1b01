/**
 * A model's request rate limit shared by every process on one store (`models.<name>.rateLimit`): at most
 * `requests` calls in any `intervalMs`, across all workers.
 */
import type { Model, ModelRequest, ModelResponse, ModelStreamPart } from '../../contracts/model.js';
import type { Store } from '../../contracts/store.js';

/** `rateLimit` of a model entry. */
export interface ModelRateLimit {
  requests: number;
  intervalMs: number;
}

/**
 * Wraps `model` so that each call first takes one of `requests` slots, store leases
 * `ratelimit:<name>:<i>` held for `intervalMs` and never released early: at most `requests` calls start
 * in any window of `intervalMs`, whichever process makes them (a sliding window, counted by the store).
 * A call that finds every slot taken waits (and stops waiting when its signal aborts).
 */
export function rateLimitedModel(
  model: Model,
  name: string,
  limit: ModelRateLimit,
  store: () => Store,
): Model {
  const process = `${globalThis.process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  let calls = 0;
  const slot = async (signal: AbortSignal | undefined): Promise<void> => {
    // An owner per call: a store lets an owner take its own lease again, which would not count.
    calls += 1;
    const owner = `${process}-${calls}`;
    for (;;) {
      for (let index = 0; index < limit.requests; index += 1) {
        if (await store().acquireLease(`ratelimit:${name}:${index}`, owner, limit.intervalMs)) return;
      }
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, Math.min(250, limit.intervalMs / 4))));
      signal?.throwIfAborted();
    }
  };
  const limited: Model = Object.create(model) as Model;
  Object.defineProperty(limited, 'generate', {
    value: async (request: ModelRequest): Promise<ModelResponse> => {
      await slot(request.signal);
      return model.generate(request);
    },
  });
  if (model.stream) {
    const stream = model.stream.bind(model);
    Object.defineProperty(limited, 'stream', {
      value: async function* (request: ModelRequest): AsyncIterable<ModelStreamPart> {
        await slot(request.signal);
        yield* stream(request);
      },
    });
  }
  return limited;
}
