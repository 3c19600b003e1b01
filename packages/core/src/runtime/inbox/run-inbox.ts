/**
 * A run's inbox in the store: inputs sent into the run (`runtime.send`) and interrupt or cancel requests
 * from other processes, numbered 1, 2, … in the order they were stored. Writers take the inbox lease
 * (`inbox:<runId>`) and fence their write with it, so two senders never get the same number; the run
 * reads the head (one `get`) at each step boundary and records the last number it consumed in its
 * checkpoint, so a resumed run receives each input exactly once. A completed run closes its inbox: on a
 * store with `setBatchIf` in one conditional write (the head unchanged, the inbox lease free), otherwise
 * under the inbox lease.
 */
import type { Store } from '../../contracts/store.js';
import { RunError } from '../../errors/agentry-error.js';

/** Namespace of every run's inbox. */
export const INBOX_NAMESPACE = 'run-inbox';
const LEASE_TTL_MS = 10_000;
const POLL_MS = 10;
const WAIT_MS = 15_000;

/**
 * What an entry is before it gets its number: input text for the pattern, or a request from another
 * process to stop the run at its next safe point (`interrupt`: resumable when durable; `cancel`: for good).
 */
export type InboxItem = { kind: 'input'; text: string } | { kind: 'interrupt' | 'cancel'; reason: string };

/** One stored entry. */
export type InboxEntry = InboxItem & { seq: number; sentAt: number };

/** The head of an inbox: the highest number given, and whether the run completed (no more entries). */
export type InboxHead = { seq: number; closed?: boolean };

/**
 * What this process knows of the inboxes of a process-local store (`Store.processLocal`): every post
 * goes through this module, so a run polls its inbox without a store read while nothing was posted, and
 * closes it without the inbox lease, and without a store write, while no post is in flight (JavaScript
 * runs one task at a time).
 */
interface LocalInbox {
  /** Highest seq posted. */
  seq: number;
  /** Posts started and not yet settled. */
  inFlight: number;
  /**
   * Closed by its run: every post is refused. Kept until the run's ended record is stored
   * (`inboxEndRecorded`), which refuses posts from then on (see `postToRun`).
   */
  closed: boolean;
}
const localInboxes = new WeakMap<Store, Map<string, LocalInbox>>();

/**
 * How many posts this process has stored per store (any run): a run of this process that polls its inbox
 * at most every `INBOX_POLL_MS` on a shared store still reads at once after a post of its own process.
 */
const postsStored = new WeakMap<Store, number>();

/** Posts this process stored into `store` so far (see `INBOX_POLL_MS`). */
export function postsStoredIn(store: Store): number {
  return postsStored.get(store) ?? 0;
}

/** The local view of an inbox of a process-local store (made on first post); `undefined` for other stores. */
function localInbox(store: Store, runId: string): LocalInbox | undefined {
  if (!store.processLocal) return undefined;
  let inboxes = localInboxes.get(store);
  if (!inboxes) {
    inboxes = new Map();
    localInboxes.set(store, inboxes);
  }
  let inbox = inboxes.get(runId);
  if (!inbox) {
    inbox = { seq: 0, inFlight: 0, closed: false };
    inboxes.set(runId, inbox);
  }
  return inbox;
}

function headKey(runId: string): string {
  return runId;
}

async function readHead(store: Store, runId: string): Promise<InboxHead | undefined> {
  return (await store.get(INBOX_NAMESPACE, headKey(runId))) as InboxHead | undefined;
}

function entryKey(runId: string, seq: number): string {
  return `${runId}#${seq}`;
}

/** A store lease on the inbox, waited for (writers hold it for a few store calls). */
async function withInboxLease<T>(
  store: Store,
  runId: string,
  owner: string,
  work: (fence: { lease: string; token: number }) => Promise<T>,
): Promise<T> {
  const name = `inbox:${runId}`;
  const deadline = Date.now() + WAIT_MS;
  let lease = await store.acquireLease(name, owner, LEASE_TTL_MS);
  while (!lease) {
    if (Date.now() >= deadline) {
      throw new RunError('run.busy', {
        message: `The inbox of run ${runId} stayed locked for ${WAIT_MS} ms`,
        hint: 'Another process is writing to it; try again.',
        context: { runId },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    lease = await store.acquireLease(name, owner, LEASE_TTL_MS);
  }
  try {
    return await work({ lease: name, token: lease.token });
  } finally {
    await store.releaseLease(lease);
  }
}

/**
 * Stores `item` as the inbox's next entry and returns its number. `check` runs under the inbox lease
 * before the write (it may throw to refuse); a closed inbox refuses with `run.finished`.
 */
export async function postToInbox(
  store: Store,
  runId: string,
  item: InboxItem,
  options: { owner: string; now: number; check?: () => Promise<void> },
): Promise<number> {
  const local = localInbox(store, runId);
  if (local) local.inFlight++;
  try {
    const seq = await postUnderLease(store, runId, item, options, local);
    if (local) local.seq = Math.max(local.seq, seq);
    postsStored.set(store, postsStoredIn(store) + 1);
    return seq;
  } finally {
    if (local) {
      local.inFlight--;
      // A refused post (the run ended) leaves no local view behind when nothing was ever posted to it; a
      // closed view stays until its run's ended record is stored.
      if (local.inFlight === 0 && local.seq === 0 && !local.closed) localInboxes.get(store)?.delete(runId);
    }
  }
}

/** How many runs of a process-local store have a local inbox view (what a long-lived process keeps). */
export function localInboxCount(store: Store): number {
  return localInboxes.get(store)?.size ?? 0;
}

async function postUnderLease(
  store: Store,
  runId: string,
  item: InboxItem,
  options: { owner: string; now: number; check?: () => Promise<void> },
  local: LocalInbox | undefined,
): Promise<number> {
  return withInboxLease(store, runId, options.owner, async (fence) => {
    const head = await readHead(store, runId);
    if (head?.closed || local?.closed) throw finishedRun(runId, 'completed');
    await options.check?.();
    const seq = (head?.seq ?? 0) + 1;
    const entry: InboxEntry = { seq, ...item, sentAt: options.now };
    await store.setMany(
      INBOX_NAMESPACE,
      [
        { key: entryKey(runId, seq), value: entry },
        { key: headKey(runId), value: { seq } },
      ],
      { fence },
    );
    return seq;
  });
}

/**
 * True when the inbox of a run on a process-local store holds nothing after `afterSeq`: known from this
 * process's view, without a store read (false for other stores).
 */
export function nothingPosted(store: Store, runId: string, afterSeq: number): boolean {
  return store.processLocal === true && (localInboxes.get(store)?.get(runId)?.seq ?? 0) <= afterSeq;
}

/** Entries after `afterSeq`, in order (one `get` when there are none). */
export async function readInbox(store: Store, runId: string, afterSeq: number): Promise<InboxEntry[]> {
  if (nothingPosted(store, runId, afterSeq)) return [];
  const head = await readHead(store, runId);
  return head ? entriesBetween(store, runId, afterSeq, head.seq) : [];
}

async function entriesBetween(store: Store, runId: string, afterSeq: number, upTo: number) {
  if (upTo <= afterSeq) return [];
  const keys: string[] = [];
  for (let seq = afterSeq + 1; seq <= upTo; seq++) keys.push(entryKey(runId, seq));
  const found = (await store.getMany(INBOX_NAMESPACE, keys)) as (InboxEntry | undefined)[];
  return found.filter((entry): entry is InboxEntry => entry !== undefined);
}

/**
 * Closes the inbox of a run about to complete, unless entries after `afterSeq` wait: then they are
 * returned and the inbox stays open (the run takes them and goes on). Atomic with `postToInbox`: an input
 * is either returned here or refused to its sender. On a process-local store with nothing posted or being
 * posted, the inbox closes in this process's view only (no store write): the view refuses posts until the
 * run's ended record is stored (`inboxEndRecorded`), and that record refuses them from then on.
 */
export async function closeInbox(
  store: Store,
  runId: string,
  afterSeq: number,
  owner: string,
): Promise<InboxEntry[]> {
  if (closedLocally(store, runId, afterSeq)) return [];
  const local = localInbox(store, runId);
  if (await closedIfUnchanged(store, runId, afterSeq)) {
    if (local) local.closed = true;
    return [];
  }
  return withInboxLease(store, runId, owner, async (fence) => {
    const head = await readHead(store, runId);
    const waiting = head ? await entriesBetween(store, runId, afterSeq, head.seq) : [];
    if (waiting.length > 0) return waiting;
    // Deferred, as in `closedIfUnchanged`.
    const closed = { seq: head?.seq ?? 0, closed: true };
    await store.set(INBOX_NAMESPACE, headKey(runId), closed, { fence, deferFlush: true });
    if (local) local.closed = true;
    return [];
  });
}

/**
 * The close in one round trip, on a store with `setBatchIf`: the closed head is written only while the head
 * still holds `afterSeq` (absent for 0: nothing was ever posted) and no sender holds the inbox lease, so it is
 * ordered with every post as if it took the lease. False when it was not written (an input came, or a
 * sender is at work): the caller closes under the lease, and takes what waits.
 */
async function closedIfUnchanged(store: Store, runId: string, afterSeq: number): Promise<boolean> {
  if (store.setBatchIf === undefined) return false;
  // Need not be flushed before it is acknowledged: the run's final save and record, written next, are
  // flushed, and they flush it too (a store server that crashes before then loses both, and the run goes on).
  return store.setBatchIf(
    [{ namespace: INBOX_NAMESPACE, key: headKey(runId), value: { seq: afterSeq, closed: true } }],
    {
      expect: {
        namespace: INBOX_NAMESPACE,
        key: headKey(runId),
        value: afterSeq === 0 ? undefined : { seq: afterSeq },
      },
      unleased: `inbox:${runId}`,
      deferFlush: true,
    },
  );
}

/**
 * `closeInbox` for a process-local store with nothing posted after `afterSeq` and no post in flight: closes
 * the inbox in this process's view at once and returns true; false (nothing done) in any other case.
 */
export function closedLocally(store: Store, runId: string, afterSeq: number): boolean {
  const local = localInbox(store, runId);
  if (local === undefined || local.inFlight > 0 || local.seq > afterSeq) return false;
  local.closed = true;
  return true;
}

/**
 * Forgets the closed local view of a run's inbox once the run's ended record is stored: posts are refused
 * by that record from then on (process-local stores; a no-op for others and for a run whose inbox is open).
 */
export function inboxEndRecorded(store: Store, runId: string): void {
  const inboxes = store.processLocal ? localInboxes.get(store) : undefined;
  if (inboxes?.get(runId)?.closed) inboxes.delete(runId);
}

/** `run.finished`: input for a run that has ended. */
export function finishedRun(runId: string, status: string): RunError {
  return new RunError('run.finished', {
    message: `Run ${runId} has ended (${status}); it takes no more input`,
    hint: 'Start a new run (in the same session, to keep the conversation) instead.',
    context: { runId },
  });
}
