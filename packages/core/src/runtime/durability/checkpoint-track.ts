/** What the checkpointer remembers of a run between saves in this process, and how messages are appended. */
import type { Message } from '../../contracts/message.js';
import { encodeEvent, type OpenBlock } from '../records/event-log.js';
import { jsonText } from '../snapshot/json-guard.js';
import {
  appendLog,
  appendTail,
  type CheckpointLog,
  emptyLog,
  emptyTail,
  type InlineTail,
} from './checkpointer-log.js';
import type { CheckpointEnvelope } from './envelope.js';

/** What the checkpointer remembers of a run between saves in this process. */
export interface RunTrack {
  messages: CheckpointLog;
  generation: number;
  /** The last and first persisted message, by reference, with the last one's canonical text as fallback. */
  lastMessage: Message | undefined;
  lastMessageText: string;
  firstMessage: Message | undefined;
  events: EventTail;
  /** The events block this process wrote last for the run (so the next flush need not read it back). */
  eventBlock?: OpenBlock | undefined;
  memoryRef: readonly Message[] | undefined;
  memory: { key: string; count: number; digest: string };
  /** Chunks of a replaced message generation, deleted once the head no longer references them. */
  stale?: { generation: number; chunks: number } | undefined;
  /** True once the run's first-checkpoint record is known to be stored. */
  recorded: boolean;
}

/** Events not yet written under their own keys, kept inline in the head. */
export interface EventTail {
  flushedSeq: number;
  tail: InlineTail;
}

export function eventTailFrom(ref: CheckpointEnvelope['events']): EventTail {
  return {
    flushedSeq: ref.flushedSeq,
    tail: appendTail(emptyTail(), ref.tail.map(encodeEvent)),
  };
}

/** A track for a run this process has not saved or loaded: continue its stored logs, rewrite messages once. */
export function trackOf(envelope: CheckpointEnvelope | undefined): RunTrack {
  return {
    messages: emptyLog(),
    generation: envelope === undefined ? 0 : envelope.messages.generation + 1,
    lastMessage: undefined,
    lastMessageText: '',
    firstMessage: undefined,
    events: envelope === undefined ? { flushedSeq: 0, tail: emptyTail() } : eventTailFrom(envelope.events),
    memoryRef: undefined,
    memory: envelope?.memory ?? { key: '', count: 0, digest: '' },
    recorded: envelope !== undefined,
    ...(envelope === undefined || envelope.messages.chunks === 0
      ? {}
      : { stale: { generation: envelope.messages.generation, chunks: envelope.messages.chunks } }),
  };
}

/** Whether two messages have the same JSON text (a pattern that cloned them keeps key order). */
function sameJson(a: Message | undefined, b: Message | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Appends the messages new since the last save, or starts a new generation when history was rewritten.
 * `redact` turns a message's JSON text into what is stored (registered secrets removed).
 */
export function appendMessages(
  next: RunTrack,
  messages: readonly Message[],
  redact?: (text: string) => string,
): void {
  const persisted = next.messages.count;
  let appendOnly = messages.length >= persisted;
  if (appendOnly && persisted > 0) {
    const first = messages[0];
    const last = messages[persisted - 1];
    appendOnly =
      (first === next.firstMessage || sameJson(first, next.firstMessage)) &&
      (last === next.lastMessage ||
        jsonText(last, `patternState.messages[${persisted - 1}]`) === next.lastMessageText);
    // Same content under new references (a pattern that clones): compare by reference next time.
    next.firstMessage = first;
    next.lastMessage = last;
  }
  if (!appendOnly) {
    if (next.messages.chunks > 0) next.stale = { generation: next.generation, chunks: next.messages.chunks };
    next.messages = emptyLog();
    next.generation += 1;
  }
  const start = next.messages.count;
  if (messages.length === start) return;
  const fresh = messages.slice(start);
  const texts = fresh.map((message, index) => jsonText(message, `patternState.messages[${start + index}]`));
  next.messages = appendLog(next.messages, redact ? texts.map(redact) : texts);
  next.lastMessage = fresh.at(-1);
  // The live text, not the stored (redacted) one: the next save compares the pattern's messages with it.
  next.lastMessageText = texts.at(-1) ?? '';
  if (start === 0) next.firstMessage = fresh[0];
}
