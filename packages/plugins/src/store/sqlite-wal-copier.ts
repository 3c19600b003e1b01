/**
 * Copies a SQLite file's write-ahead log into the database file on a worker thread, so the event loop of
 * a process that writes a lot (a worker, `agentry serve`, a durable run of many steps) does not stop for it.
 *
 * In WAL mode a commit appends pages to the `-wal` file; a checkpoint copies them into the database file
 * and syncs both. SQLite runs one inside the commit that takes the WAL past `wal_autocheckpoint` pages
 * (1000 by default): with the store's 8 KiB pages, every few hundred durable steps one save waited
 * 25–40 ms for it on the machine of docs/decisions/2026-12-07-wal-copier.md. Here a second connection on
 * a worker thread runs `PRAGMA wal_checkpoint(PASSIVE)` shortly after writes, which copies what no reader
 * needs without taking any lock a writer waits for. The main connection keeps its automatic checkpoint:
 * it still bounds the WAL (a passive checkpoint that writers keep overtaking never lets the WAL start
 * over), but finds most pages already copied and synced, so it is short; and if the worker stops, nothing
 * changes but the waits. Durability is unchanged: commits are written exactly as before.
 *
 * The worker starts after `START_AFTER_WRITES` writes of the connection: short-lived uses (a CLI run, a
 * test) never pay for a thread.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Writes of a connection before its copier starts. */
export const START_AFTER_WRITES = 256;
/** How long the worker lets writes gather after the first one it sees, in ms. */
const GATHER_MS = 20;
/** How long `close` waits for the worker to close its connection before stopping it. */
const CLOSE_WAIT_MS = 2_000;

// Slots of the shared Int32Array: writes counted, the stop flag, a slot only `close` changes (a timed wait), and
// whether the worker waits for writes (1) or is busy (0): a write wakes it only when it waits.
const WRITES = 0;
const STOP = 1;
const SLEEP = 2;
const WAITING = 3;
const SLOTS = 4;

/**
 * The worker, as CommonJS source (run with `eval: true`, so it needs no file of its own in `dist/`).
 * It opens the file with the main connection's driver and, each time the write count moves, waits
 * `gatherMs`, then checkpoints passively. A failure ends the worker; the main connection's automatic
 * checkpoint goes on as before.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { path, driver, driverPath, shared, gatherMs } = workerData;
const slots = new Int32Array(shared);
const db = driver === 'node:sqlite'
  ? new (require('node:sqlite').DatabaseSync)(path)
  : new (require(driverPath))(path);
try {
  let seen = 0;
  for (;;) {
    Atomics.store(slots, ${WAITING}, 1);
    Atomics.wait(slots, ${WRITES}, seen);
    Atomics.store(slots, ${WAITING}, 0);
    if (Atomics.load(slots, ${STOP}) === 1) break;
    Atomics.wait(slots, ${SLEEP}, 0, gatherMs);
    if (Atomics.load(slots, ${STOP}) === 1) break;
    seen = Atomics.load(slots, ${WRITES});
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  }
} finally {
  db.close();
}
`;

/** Counts a connection's writes and, past `START_AFTER_WRITES`, has a worker copy its WAL. */
export class WalCopier {
  readonly #path: string;
  readonly #driver: string;
  readonly #slots = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  #writes = 0;
  #worker: Worker | undefined;
  #exited: Promise<void> | undefined;
  #closed = false;

  /** `driver`: the main connection's (`better-sqlite3` or `node:sqlite`); the worker opens the file with it. */
  constructor(path: string, driver: string) {
    this.#path = path;
    this.#driver = driver;
  }

  /** Tells the copier a write was made (call it after each writing statement). */
  wrote(): void {
    this.#writes += 1;
    if (this.#worker !== undefined) {
      // The worker marks itself waiting before it compares the count, so a write it could miss finds the mark.
      Atomics.add(this.#slots, WRITES, 1);
      if (Atomics.load(this.#slots, WAITING) === 1) Atomics.notify(this.#slots, WRITES, 1);
    } else if (this.#writes === START_AFTER_WRITES && !this.#closed) {
      this.#start();
    }
  }

  /** Whether the worker runs (for tests). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  #start(): void {
    const driverPath =
      this.#driver === 'node:sqlite' ? '' : createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path: this.#path,
        driver: this.#driver,
        driverPath,
        shared: this.#slots.buffer,
        gatherMs: GATHER_MS,
      },
    });
    // The process may exit while the worker waits: it holds nothing a commit needs.
    worker.unref();
    this.#exited = new Promise((resolve) => {
      // A worker that fails (its connection could not open, the file went away) just ends.
      worker.on('error', () => {});
      worker.once('exit', () => {
        if (this.#worker === worker) this.#worker = undefined;
        resolve();
      });
    });
    this.#worker = worker;
    // Copy what the writes so far left in the WAL.
    Atomics.store(this.#slots, WRITES, 1);
    Atomics.notify(this.#slots, WRITES, 1);
  }

  /** Stops the worker after its current checkpoint and waits until it closed its connection. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (worker === undefined) return;
    // Changing the slots the worker waits on, not only notifying, also stops a worker that was not waiting yet.
    Atomics.store(this.#slots, STOP, 1);
    Atomics.add(this.#slots, WRITES, 1);
    Atomics.store(this.#slots, SLEEP, 1);
    Atomics.notify(this.#slots, WRITES);
    Atomics.notify(this.#slots, SLEEP);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_WAIT_MS);
    });
    if ((await Promise.race([this.#exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  }
}
