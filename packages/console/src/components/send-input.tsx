/** "Send input": text for a run that has not ended; its pattern receives it before the next model call. */
import { useState } from 'react';
import { ApiFailure, api, type RunStatus } from '../api';

/** A run in one of these states has ended: the API refuses input for it (`run.finished`). */
const ENDED: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled', 'rejected']);

export function SendInput({
  runId,
  status,
  onSent,
}: {
  runId: string;
  status: RunStatus;
  onSent: () => void;
}) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | undefined>();
  if (ENDED.has(status)) return null;

  const send = (event: React.FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setSending(true);
    setOutcome(undefined);
    api
      .send(runId, text)
      .then(
        (receipt) => {
          setText('');
          setOutcome({
            ok: true,
            message: `Sent as input #${receipt.seq}: the run (${receipt.status}) receives it before its next model call.`,
          });
          onSent();
        },
        (failure: unknown) =>
          setOutcome({
            ok: false,
            message:
              failure instanceof ApiFailure
                ? `${failure.message}${failure.hint ? ` — ${failure.hint}` : ''}`
                : String(failure),
          }),
      )
      .finally(() => setSending(false));
  };

  return (
    <form className="send-input" onSubmit={send} aria-label="Send input into the run">
      <label htmlFor="send-input-text">Send input</label>
      <textarea
        id="send-input-text"
        rows={2}
        value={text}
        placeholder="Steer the run: this reaches the model before its next call"
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" disabled={sending || !text.trim()}>
        Send
      </button>
      {outcome ? (
        <p className={outcome.ok ? 'muted' : 'error'} role="status">
          {outcome.message}
        </p>
      ) : null}
    </form>
  );
}
