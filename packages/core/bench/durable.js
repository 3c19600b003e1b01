// Durable bench rows: the per-step cost of a durable run (a checkpoint after every model response; the
// side-effect-free tool's result rides on it) on the memory, sqlite, redis and postgres stores (postgres also
// with the opt-in `synchronousCommit: 'off'`) at K=10 and K=100, next to the same run without durability, and
// at K=10 with a tool with side effects (`idempotent`: a checkpoint before the call and one after its result).
// Baselines (sqlite, postgres): one bare driver write per store, in the same run, and the ratio of a step to it.
// The stores live in @agentry/plugins (core never imports plugins; only this bench script does, at run time):
// build both packages first (`npm run build`). Redis/PostgreSQL come from REDIS_URL / DATABASE_URL or the local
// defaults; a store that cannot be reached gives a "skipped" row instead of failing the bench.
// Each row: { name, value, unit, target? }.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, loadCore, printRows } from './rows.js';
import { barePostgresUs, bareSqliteUs } from './store-baseline.js';
import { noteTool, scriptOf } from './workload.js';

// Issue #15's goals for a durable step; each row also shows the step as a ratio to its baseline (one bare
// write of the driver, measured in the same run: `store-baseline.js`).
const TARGET_US = { sqlite: 150, redis: 1000, postgres: 700, 'postgres (synchronousCommit off)': 700 };
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Each row is the median of RUNS[K] runs of a warm runtime, as a worker or a server pays it and as the
// baselines (warmed too) measure the driver: warm-up runs of WARMUP_STEPS steps in all go first, untimed.
// A configuration's first runs pay V8's compilation as well; the durable K=10 rows also show them (the median
// of runs 4-43, how these rows were measured before 2026-12-07), without a target.
// Decision record: docs/decisions/2026-12-07-durable-bench-warm.md.
const RUNS = { 10: 60, 100: 10 };
const WARMUP_STEPS = 3000;
const FIRST_RUNS = { skip: 3, take: 40 };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function openStores(core, dir) {
  const stores = await import('@agentry/plugins/store');
  return {
    // The checkpointer's own CPU cost, without any I/O.
    memory: () => new core.MemoryStore(),
    sqlite: () => new stores.SqliteStore({ path: join(dir, 'bench.db') }),
    redis: () =>
      new stores.RedisStore({
        url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        prefix: 'agentry-bench:',
      }),
    postgres: () =>
      new stores.PostgresStore({
        url: POSTGRES_URL,
        schema: 'agentry_bench',
      }),
    // Opt-in: acknowledged before the WAL flush (a server crash may lose the last few hundred ms, never corrupt).
    'postgres (synchronousCommit off)': () =>
      new stores.PostgresStore({
        url: POSTGRES_URL,
        schema: 'agentry_bench',
        synchronousCommit: 'off',
      }),
  };
}

/**
 * Median microseconds per step of a warm runtime over RUNS[K] runs of K steps (each step: one model call and
 * one tool call), and the median of the configuration's first runs.
 */
async function perStepUs(core, store, steps, durable, sideEffects = 'none') {
  const runtime = new core.DefaultRuntime({
    store,
    events: new core.MittEventBus({ logger: core.silentLogger }),
    agents: {
      bench: {
        model: new core.ScriptedModel({ script: scriptOf(steps) }),
        tools: [noteTool(core, sideEffects)],
        pattern: new core.ToolLoopPattern({ maxSteps: steps + 5 }),
        durable,
      },
    },
    durablePersistence: new core.StoreCheckpointer({ store, runtimeVersion: 'bench' }),
  });
  const warm = [];
  const first = [];
  const warmup = Math.ceil(WARMUP_STEPS / steps);
  for (let index = 0; index < warmup + RUNS[steps]; index += 1) {
    const started = process.hrtime.bigint();
    const result = await runtime.run({ agent: 'bench', input: 'go' });
    const elapsedUs = Number(process.hrtime.bigint() - started) / 1e3;
    if (result.status !== 'completed')
      throw new Error(`bench run ended ${result.status}: ${result.error?.message}`);
    if (index >= warmup) warm.push(elapsedUs / steps);
    else if (index >= FIRST_RUNS.skip && first.length < FIRST_RUNS.take) first.push(elapsedUs / steps);
  }
  return { warm: median(warm), first: median(first) };
}

/**
 * @param {typeof import('../dist/index.js') & typeof import('../dist/internal.js')} core
 * @param {string} [only] run only the stores whose name starts with this
 */
export async function durableRows(core, only) {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-bench-'));
  const rows = [];
  let factories;
  try {
    factories = await openStores(core, dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    console.log(`durable rows skipped: @agentry/plugins/store is not built (${error.message})`);
    return rows;
  }
  for (const [name, create] of Object.entries(factories)) {
    if (only !== undefined && !name.startsWith(only)) continue;
    const store = create();
    try {
      await store.get('bench', 'probe');
    } catch (error) {
      console.log(`durable rows for ${name} skipped: ${error.message}`);
      await store.close().catch(() => {});
      continue;
    }
    const baseline =
      name === 'sqlite'
        ? await bareSqliteUs(dir)
        : name.startsWith('postgres')
          ? await barePostgresUs(POSTGRES_URL)
          : undefined;
    const figures = {};
    for (const steps of [10, 100]) {
      figures[steps] = {
        plain: await perStepUs(core, store, steps, false),
        durable: await perStepUs(core, store, steps, true),
      };
    }
    const withEffects = (await perStepUs(core, store, 10, true, 'idempotent')).warm;
    for (const steps of [10, 100]) {
      rows.push({
        name: `${name}: non-durable step, K=${steps} (median)`,
        value: figures[steps].plain.warm,
        unit: 'µs/step',
      });
      rows.push({
        name: `${name}: durable step, K=${steps} (median)`,
        value: figures[steps].durable.warm,
        unit: 'µs/step',
        ...(TARGET_US[name] === undefined ? {} : { target: TARGET_US[name] }),
      });
    }
    rows.push({
      name: `${name}: durable step, K=10, the configuration's first runs (median of runs 4-43)`,
      value: figures[10].durable.first,
      unit: 'µs/step',
    });
    rows.push({
      name: `${name}: durable step, K=10, tool with side effects (median)`,
      value: withEffects,
      unit: 'µs/step',
    });
    if (baseline !== undefined) {
      const driver = name === 'sqlite' ? 'better-sqlite3 upsert' : 'pg INSERT … ON CONFLICT';
      rows.push({ name: `${name}: baseline, one bare ${driver} of 2 KB`, value: baseline, unit: 'µs' });
      for (const steps of [10, 100]) {
        rows.push({
          name: `${name}: ratio durable step/bare write, K=${steps}`,
          value: figures[steps].durable.warm / baseline,
          unit: '×',
        });
      }
    }
    rows.push({
      name: `${name}: durable growth K=10 → K=100`,
      value: figures[100].durable.warm / figures[10].durable.warm,
      unit: '×',
      target: 1.5,
    });
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

if (isMain(import.meta.url)) {
  printRows(await durableRows(await loadCore(), process.argv[2]));
}
