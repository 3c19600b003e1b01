import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { printZombieReport, runZombieCycles } from './zombie-harness.js';

// Requires built dist code: run `npx tsc -b` at the repository root first.
const root = mkdtempSync(join(tmpdir(), 'agentry-zombie-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CYCLES = Number(process.env.AGENTRY_ZOMBIE_CYCLES ?? 10);

// Linux: the harness reads a process's state from /proc.
describe.skipIf(process.platform !== 'linux')(
  'a paused owner never runs a side effect after losing its run lease (sqlite)',
  () => {
    it(
      `runs the unsafe call once and refuses the zombie's writes over ${CYCLES} SIGSTOP/takeover/SIGCONT cycles`,
      async () => {
        const path = join(root, 'agentry.db');
        const report = await runZombieCycles(
          { kind: 'sqlite', path },
          new SqliteStore({ path }),
          root,
          CYCLES,
        );
        printZombieReport('sqlite', report);
        expect(report.failures).toEqual([]);
        expect(report).toMatchObject({ doubleExecutions: 0, zombieEffects: 0, staleWritesAccepted: 0 });
        expect(report.cycleMs).toHaveLength(CYCLES);
      },
      60_000 + CYCLES * 20_000,
    );
  },
);
