/** The conditions of a conditional write (`writeIf`) on a backend whose leases live in this process. */
import type { InProcessLeases } from './in-process-leases.js';
import type { RawCondition } from './keyv-connection.js';

/**
 * Checks the conditions of a `writeIf` of an in-process backend (the memory and file stores; call it in one
 * synchronous stretch with the write): `'fenced'` or `'unmet'` when one fails, `undefined` when the write may
 * go ahead. `stored` gives the stored entry of a full key.
 */
export function refusedInProcess(
  leases: InProcessLeases,
  condition: RawCondition,
  now: number,
  stored: (key: string) => unknown,
): 'fenced' | 'unmet' | undefined {
  const { fence, unleased, expect } = condition;
  if (fence !== undefined && !leases.holds(fence.lease, fence.token, now)) return 'fenced';
  if (unleased !== undefined && leases.held(unleased, now)) return 'unmet';
  if (expect !== undefined && stored(expect.key) !== expect.entry) return 'unmet';
  return undefined;
}
