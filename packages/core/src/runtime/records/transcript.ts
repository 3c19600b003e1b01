/** Session transcripts in the store (namespace `transcripts`): earlier turns for memory, appended once per completed run. */
import type { JsonValue } from '../../contracts/json.js';
import type { Message } from '../../contracts/message.js';
import type { Store } from '../../contracts/store.js';

/** Store namespace of session transcripts. */
export const TRANSCRIPTS_NAMESPACE = 'transcripts';

interface StoredTranscript {
  messages: Message[];
}

/** The session's earlier messages, oldest first (empty for a new session). */
export async function loadTranscript(store: Store, sessionId: string): Promise<Message[]> {
  const stored = (await store.get(TRANSCRIPTS_NAMESPACE, sessionId)) as unknown as
    | StoredTranscript
    | undefined;
  return stored?.messages ?? [];
}

/** Appends one run's messages to the session transcript. Callers hold the session lease. */
export async function appendTranscript(
  store: Store,
  sessionId: string,
  messages: readonly Message[],
): Promise<void> {
  if (messages.length === 0) return;
  const earlier = await loadTranscript(store, sessionId);
  const next: StoredTranscript = { messages: [...earlier, ...messages] };
  await store.set(TRANSCRIPTS_NAMESPACE, sessionId, next as unknown as JsonValue);
}
