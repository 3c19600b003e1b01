// Store calls per step (`node bench/store-calls.js [memory|sqlite|postgres|redis] [K]`): runs K-step runs
// (one model call and one tool call per step), durable and not, through a store that counts every call by
// method, namespace (or lease name), fence and the runtime function that made it. Counts, not timings: on
// PostgreSQL and Redis each store call is one round trip (the pg driver's queries are counted too).
// Runs against dist (build first: `npm run build`); sqlite/postgres/redis come from @agentry/plugins.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noteTool, scriptOf } from './workload.js';

// dist is bundled (chunks): with source maps on, stack frames name the src file and line of each call site.
process.setSourceMapsEnabled(true);
const core = { ...(await import('../dist/index.js')), ...(await import('../dist/internal.js')) };
const which = process.argv[2] ?? 'memory';
const K = Number(process.argv[3] ?? 10);
const RUNS = 3;
const dir = mkdtempSync(join(tmpdir(), 'agentry-store-calls-'));

async function openStore() {
  if (which === 'memory') return new core.MemoryStore();
  const stores = await import('@agentry/plugins/store');
  if (which === 'sqlite') return new stores.SqliteStore({ path: join(dir, 'calls.db') });
  if (which === 'postgres') {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    return new stores.PostgresStore({ url, schema: 'agentry_store_calls' });
  }
  if (which === 'redis') {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    return new stores.RedisStore({ url, prefix: 'agentry-store-calls:' });
  }
  throw new Error(`unknown store "${which}": memory, sqlite, postgres or redis`);
}

let counting = false;
let queries = 0;
if (which === 'postgres') {
  const pg = createRequire(new URL('../../plugins/package.json', import.meta.url))('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    if (counting) queries += 1;
    return query.apply(this, args);
  };
}

/** `setBatch [checkpoints,checkpoint-data] (fenced)`, `get run-inbox`, `acquireLease run`… */
function label(method, args) {
  const [first, second, third, fourth] = args;
  if (method === 'setBatch' || method === 'setBatchIf') {
    const namespaces = [...new Set(first.map((entry) => entry.namespace))].join(',');
    const release = second?.releaseFence ? ', releases the lease' : '';
    const condition = second?.expect ? ' (compare-and-set)' : '';
    return `${method} [${namespaces}]${second?.fence ? ` (fenced${release})` : ''}${condition}`;
  }
  if (method.endsWith('Lease')) return `${method} ${String(first?.name ?? first).split(':')[0]}`;
  const fenced = (fourth ?? third)?.fence ? ' (fenced)' : '';
  return `${method} ${first}${fenced}`;
}

/** The first frame of core's runtime (its src file, through the source maps) below the store call. */
function caller() {
  const frames = new Error().stack.split('\n').slice(3);
  const frame = frames.find((line) => line.includes('/core/src/') && !line.includes('/defaults/')) ?? '';
  return frame.replace(/.*\/core\/src\//, '').replace(/:\d+\)?$/, '');
}

function counted(store, counts) {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args) => {
        if (counting) {
          const key = label(String(property), args);
          const entry = counts.get(key) ?? { calls: 0, callers: new Set() };
          entry.calls += 1;
          entry.callers.add(caller());
          counts.set(key, entry);
        }
        return value.apply(target, args);
      };
    },
  });
}

const raw = await openStore();
for (const durable of [false, true]) {
  const counts = new Map();
  const store = counted(raw, counts);
  const runtime = new core.DefaultRuntime({
    store,
    events: new core.MittEventBus({ logger: core.silentLogger }),
    agents: {
      bench: {
        model: new core.ScriptedModel({ script: scriptOf(K) }),
        tools: [noteTool(core)],
        pattern: new core.ToolLoopPattern({ maxSteps: K + 5 }),
        durable,
      },
    },
    durablePersistence: new core.StoreCheckpointer({ store, runtimeVersion: 'bench' }),
  });
  await runtime.run({ agent: 'bench', input: 'go' });
  queries = 0;
  counting = true;
  for (let index = 0; index < RUNS; index += 1) await runtime.run({ agent: 'bench', input: 'go' });
  counting = false;
  console.log(`\n${which}, ${durable ? 'durable' : 'not durable'}, K=${K}: store calls per run`);
  let total = 0;
  for (const [key, { calls, callers }] of [...counts].sort((a, b) => b[1].calls - a[1].calls)) {
    total += calls / RUNS;
    console.log(`${(calls / RUNS).toFixed(1).padStart(6)}  ${key.padEnd(58)} ${[...callers].join(', ')}`);
  }
  const pg = which === 'postgres' ? `; pg queries ${(queries / RUNS / K).toFixed(2)}/step` : '';
  console.log(`total ${total.toFixed(1)}/run = ${(total / K).toFixed(2)}/step${pg}`);
}
await raw.close();
rmSync(dir, { recursive: true, force: true });
