// Zombie-test child: a long-lived process that runs durable runs against built `dist` code, for zombie-harness.ts.
// Input: one JSON argument { store, dir, runLeaseTtlMs }, then one JSON line per run on stdin: { runId, mode }.
// Output: one JSON line per run result. The unsafe `charge` tool appends to `effects.ndjson` in `dir` (outside
// the store), so double executions are counted independently of what the store says.
//   mode "tool":  charge writes `<runId>.ready`, then waits for `<runId>.go` (the parent SIGSTOPs the process in
//                 between and lets it go after another process took the run over); then, as a careful tool does,
//                 it checks its signal right before the side effect.
//   mode "write": the process stops itself (SIGSTOP) just before the store write of the call's `started` entry,
//                 after every check the runtime makes beforehand: only the store can refuse that write.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DefaultRuntime, defineTool, MittEventBus, ScriptedModel } from '@agentry/core';
import { StoreCheckpointer } from '@agentry/core/internal';
import { z } from 'zod';

const options = JSON.parse(process.argv[2]);
const { dir } = options;
const modes = new Map();
/** Writes the store refused with `store.lease_lost` (runs are sequential: the harness reads the delta per run). */
let refusals = 0;

async function openStore(spec) {
  if (spec.kind === 'sqlite') {
    const { SqliteStore } = await import('@agentry/plugins/store/sqlite');
    return new SqliteStore({ path: spec.path });
  }
  if (spec.kind === 'redis') {
    const { RedisStore } = await import('@agentry/plugins/store/redis');
    return new RedisStore({ url: spec.url, prefix: spec.prefix });
  }
  const { PostgresStore } = await import('@agentry/plugins/store/postgres');
  return new PostgresStore(spec.options);
}

const until = (file) =>
  new Promise((resolve) => {
    const look = () => (existsSync(file) ? resolve() : setTimeout(look, 5));
    look();
  });

/** Mode "write": stops this process (SIGSTOP) just before the head of a `tool.started` checkpoint is written. */
function pauseBeforeStartedHead(namespace, key, data) {
  if (namespace !== 'checkpoints' || modes.get(key) !== 'write') return;
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  if (!text.includes('"reason":"tool.started"')) return;
  writeFileSync(join(dir, `${key}.ready`), String(process.pid));
  process.kill(process.pid, 'SIGSTOP');
}

/** The store, with a pause before the head write of a `tool.started` checkpoint (mode "write") and refusals counted. */
function instrumented(store) {
  const count = (promise) =>
    promise.catch((error) => {
      if (error?.code === 'store.lease_lost') refusals += 1;
      throw error;
    });
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'setMany') return (...args) => count(value.apply(target, args));
      if (property === 'setJsonText' || property === 'set') {
        return (namespace, key, data, setOptions) => {
          pauseBeforeStartedHead(namespace, key, data);
          return count(value.call(target, namespace, key, data, setOptions));
        };
      }
      // A fenced checkpoint save writes its head inside one batch (stores with `setBatch`).
      if (property === 'setBatch') {
        return (entries, setOptions) => {
          for (const entry of entries)
            pauseBeforeStartedHead(entry.namespace, entry.key, entry.text ?? entry.value);
          return count(value.call(target, entries, setOptions));
        };
      }
      return value.bind(target);
    },
  });
}

const charge = defineTool({
  name: 'charge',
  description: 'Charges a card (not safe to repeat)',
  input: z.object({ value: z.string() }),
  sideEffects: 'unsafe',
  execute: async (input, context) => {
    if (modes.get(context.runId) === 'tool') {
      writeFileSync(join(dir, `${context.runId}.ready`), String(process.pid));
      await until(join(dir, `${context.runId}.go`));
      context.signal.throwIfAborted();
    }
    appendFileSync(
      join(dir, 'effects.ndjson'),
      `${JSON.stringify({ runId: context.runId, key: context.idempotencyKey, pid: process.pid })}\n`,
    );
    return { charged: input.value };
  },
});

const store = instrumented(await openStore(options.store));
const runtime = new DefaultRuntime({
  store,
  events: new MittEventBus(),
  agents: {
    zombie: {
      model: new ScriptedModel({
        script: [{ toolCalls: [{ tool: 'charge', input: { value: '5 EUR' } }] }, 'charged'],
      }),
      durable: true,
      tools: [charge],
    },
  },
  runLeaseTtlMs: options.runLeaseTtlMs,
  durablePersistence: new StoreCheckpointer({ store, runtimeVersion: 'zombie-test' }),
});

process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const { runId, mode } = JSON.parse(line);
  modes.set(runId, mode);
  const refusedBefore = refusals;
  const result = await runtime.run({ agent: 'zombie', input: 'go', runId });
  process.stdout.write(
    `${JSON.stringify({
      runId,
      status: result.status,
      stopReason: result.stopReason,
      error: result.error && { code: result.error.code, message: result.error.message },
      refusals: refusals - refusedBefore,
    })}\n`,
  );
}
await runtime.close();
