/**
 * The run's side of its inbox: at each step boundary the waiting inputs go to the pattern (its `receive`,
 * or appended as user messages) and `run.input_received` is emitted; an interrupt or cancel request from
 * another process stops the run at this safe point. What was taken is recorded in the snapshot (`inputSeq`), so the
 * next checkpoint holds the inputs and the number together.
 */
import type { Message } from '../../contracts/message.js';
import type { Pattern, PatternState, RunInput } from '../../contracts/pattern.js';
import type { RunContext } from '../state/run-context.js';
import {
  closedLocally,
  closeInbox,
  type InboxEntry,
  nothingPosted,
  postsStoredIn,
  readInbox,
} from './run-inbox.js';

/**
 * On a shared store a run reads its inbox at a step boundary only when this long has passed since its last
 * read, when this process has posted into the store since, or when the last read found inputs it could not
 * deliver yet (tool results were due): a step of a real model takes longer, so every
 * boundary still reads; a run looping faster (scripted models, cached answers) skips the store read — about
 * half of its round trips per step — and takes input from another process at most this much later.
 * Closing the inbox always reads it.
 */
export const INBOX_POLL_MS = 50;

/** When each segment (its run context) last read its inbox on a shared store (runtime clock), and the posts counted then. */
const lastReads = new WeakMap<RunContext, { at: number; posts: number }>();

/** False when a run on a shared store read its inbox less than `INBOX_POLL_MS` ago and nothing was posted here since. */
function inboxDue(run: RunContext): boolean {
  const store = run.services.store;
  if (store.processLocal) return true;
  const posts = postsStoredIn(store);
  const now = run.services.clock.now();
  const last = lastReads.get(run);
  if (last !== undefined && last.posts === posts && now - last.at < INBOX_POLL_MS) return false;
  lastReads.set(run, { at: now, posts });
  return true;
}

/**
 * A run that starts here from its input has been waiting for nothing: its inbox can only hold what another
 * process posted in the moments since its record was written. Its first step boundary on a shared store
 * then reads nothing, like one less than `INBOX_POLL_MS` after a read: the next due boundary or the close
 * (which always looks) takes what came. A queued, restarted or resumed run reads at its first boundary.
 */
export function inboxJustOpened(run: RunContext): void {
  const store = run.services.store;
  if (!store.processLocal) lastReads.set(run, { at: run.services.clock.now(), posts: postsStoredIn(store) });
}

/**
 * Takes what waits in the run's inbox. `closing` (the pattern is done): closes the inbox unless inputs
 * wait, so none is accepted and then lost. True when the run changed (inputs delivered or an interrupt).
 * Answers `false` synchronously when nothing can be waiting (a step boundary of most runs): no promise,
 * no tick.
 */
export function takeInbox(run: RunContext, closing = false): false | Promise<boolean> {
  const { snapshot, services } = run;
  const afterSeq = snapshot.inputSeq ?? 0;
  if (closing) {
    if (closedLocally(services.store, snapshot.runId, afterSeq)) return false;
    return deliver(run, closeInbox(services.store, snapshot.runId, afterSeq, `run:${snapshot.runId}`));
  }
  if (!inboxDue(run) || nothingPosted(services.store, snapshot.runId, afterSeq)) return false;
  return deliver(run, readInbox(services.store, snapshot.runId, afterSeq));
}

/** Hands the entries taken from the inbox to the run: inputs to the pattern, stop requests to its abort. */
async function deliver(run: RunContext, taking: Promise<InboxEntry[]>): Promise<boolean> {
  const snapshot = run.snapshot;
  const afterSeq = snapshot.inputSeq ?? 0;
  const entries = await taking;
  if (entries.length === 0) return false;
  const lastSeq = entries[entries.length - 1]?.seq ?? afterSeq;
  const inputs: RunInput[] = [];
  for (const entry of entries) if (entry.kind === 'input') inputs.push({ seq: entry.seq, text: entry.text });
  let changed = false;
  if (inputs.length === 0) {
    snapshot.inputSeq = lastSeq;
  } else {
    const received = receive(run.agent.pattern, snapshot.patternState, inputs);
    // Not taken yet (tool results are due): the next boundary reads again, however soon it comes.
    if (received === undefined) lastReads.delete(run);
    else {
      snapshot.patternState = received;
      snapshot.inputSeq = lastSeq;
      for (const input of inputs)
        run.recorder.emit('run.input_received', { seq: input.seq, text: input.text });
      changed = true;
    }
  }
  return interruptRequested(run, entries) || changed;
}

/**
 * Acts on an interrupt or cancel request not acted on yet: the run stops at this safe point (a cancel
 * request wins over an interrupt; an interrupt of a run without durable persistence cancels it).
 */
function interruptRequested(run: RunContext, entries: readonly InboxEntry[]): boolean {
  const { snapshot } = run;
  let request: (InboxEntry & { kind: 'interrupt' | 'cancel' }) | undefined;
  for (const entry of entries) {
    if (entry.kind === 'input' || entry.seq <= (snapshot.interruptSeq ?? 0)) continue;
    if (request?.kind !== 'cancel') request = entry;
  }
  if (!request) return false;
  snapshot.interruptSeq = request.seq;
  if (request.kind === 'interrupt' && run.durable && run.persistence.durable)
    run.abort.interrupt(request.reason);
  else run.abort.cancel(request.reason);
  return true;
}

/** The pattern's `receive`, or the default: user messages appended unless tool results are still due. */
function receive(
  pattern: Pattern,
  state: PatternState,
  inputs: readonly RunInput[],
): PatternState | undefined {
  if (pattern.receive) return pattern.receive(state, inputs);
  const last = state.messages.at(-1);
  if (last?.role === 'assistant' && (last.toolCalls?.length ?? 0) > 0) return undefined;
  state.messages.push(...inputMessages(inputs));
  return state;
}

/** Inputs as the user messages a pattern appends. */
export function inputMessages(inputs: readonly RunInput[]): Message[] {
  return inputs.map((input) => ({ role: 'user', content: input.text }));
}
