/** Child process of multi-process.int.test.ts: enters a lease-guarded critical section `rounds` times. */
import type { Store } from '@agentry/core';
import { PostgresStore } from '../postgres-store.js';
import { SqliteStore } from '../sqlite-store.js';

const [kind, target, table, owner, rounds] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const store: Store =
  kind === 'sqlite'
    ? new SqliteStore({ path: target })
    : new PostgresStore({ url: target, schema: table, table: 'entries' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (let round = 0; round < Number(rounds); round += 1) {
  let lease = await store.acquireLease('shared', owner, 5_000);
  while (lease === undefined) {
    await sleep(1 + Math.random() * 3);
    lease = await store.acquireLease('shared', owner, 5_000);
  }
  // Deliberately non-atomic read-modify-write: only exclusive leases keep the count right.
  const count = (await store.get<number>('counter', 'value')) ?? 0;
  await sleep(2);
  await store.set('counter', 'value', count + 1);
  process.stdout.write(`${JSON.stringify({ owner, token: lease.token })}\n`);
  await store.releaseLease(lease);
}
await store.close();
