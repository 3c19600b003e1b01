/**
 * Test-only crash hook: `AGENTRY_CRASH_AT=<point>:<n>` makes the process kill
 * itself with SIGKILL the n-th time it passes `<point>`. Unset, `crashPoint`
 * is an empty function (the variable is read once, at import).
 */

/** Where the crash tests kill a durable run. */
export type CrashPoint =
  /** A model response arrived; its checkpoint is not written yet. */
  | 'model-response'
  /** The checkpoint after a model response is acknowledged. */
  | 'model-checkpoint'
  /** A tool's `started` ledger record is acknowledged; the tool has not run yet. */
  | 'tool-started'
  /** A tool performed its side effect; its result is not recorded yet (called by tools under test). */
  | 'tool-effect'
  /** The checkpoint after a tool result is acknowledged. */
  | 'tool-checkpoint'
  /**
   * A checkpoint's delta chunks are written, its head is not. On a store with `setBatch` (a fenced save is
   * one transaction): the deltas and the head are ready and nothing of the save is written yet.
   */
  | 'delta-written';

function parse(spec: string | undefined): { point: string; hit: number } | undefined {
  if (spec === undefined || spec === '') return undefined;
  const [point, count] = spec.split(':');
  const hit = count === undefined ? 1 : Number(count);
  if (point === undefined || point === '' || !Number.isInteger(hit) || hit < 1) return undefined;
  return { point, hit };
}

let target = parse(process.env.AGENTRY_CRASH_AT);
let hits = 0;

function crashAt(point: CrashPoint): void {
  if (point !== target?.point) return;
  hits++;
  if (hits === target.hit) process.kill(process.pid, 'SIGKILL');
}

function noCrash(_point: CrashPoint): void {}

/** Kills the process when `AGENTRY_CRASH_AT` names this point and hit count; a no-op otherwise. */
export let crashPoint: (point: CrashPoint) => void = target === undefined ? noCrash : crashAt;

/**
 * Test-only: re-arms the hook with a spec like `tool-started:2` (counting
 * hits from zero), or disarms it with `undefined`. Lets one test process
 * resume a crashed run without crashing, then start the next one armed.
 */
export function armCrashPoint(spec: string | undefined): void {
  target = parse(spec);
  hits = 0;
  crashPoint = target === undefined ? noCrash : crashAt;
}
