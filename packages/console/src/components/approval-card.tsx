/** One pending call with its decision controls: approve, deny with a reason, edit the input (checked against the tool's schema), always. */
import { useId, useState } from 'react';
import { ApiFailure, type Approval, api } from '../api';
import { json, shortId, when } from '../format';
import { navigate } from '../router';
import { checkAgainstSchema } from '../schema-check';

interface Props {
  approval: Approval;
  canDecide: boolean;
  onDecided: () => void;
  /** Hide the link to the run (on the run's own page). */
  inRun?: boolean;
}

export function ApprovalCard({ approval, canDecide, onDecided, inRun }: Props) {
  const [mode, setMode] = useState<'view' | 'edit' | 'deny'>('view');
  const [draft, setDraft] = useState(() => json(approval.input));
  const [reason, setReason] = useState('');
  const [always, setAlways] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const ids = useId();

  let parsed: unknown;
  let problems: string[] = [];
  if (mode === 'edit') {
    try {
      parsed = JSON.parse(draft);
      problems = checkAgainstSchema(approval.inputSchema, parsed);
    } catch (failure) {
      problems = [`not JSON: ${(failure as Error).message}`];
    }
  }

  const send = async (decision: 'approve' | 'deny') => {
    setBusy(true);
    setError(undefined);
    try {
      await api.decide(approval, {
        decision,
        ...(decision === 'approve' && mode === 'edit' ? { input: parsed } : {}),
        ...(decision === 'deny' ? { reason: reason.trim() || 'Denied in the console' } : {}),
        ...(always ? { always: true } : {}),
      });
      onDecided();
    } catch (failure) {
      setError(
        failure instanceof ApiFailure
          ? `${failure.message}${failure.hint ? ` — ${failure.hint}` : ''}`
          : String(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card approval" aria-labelledby={`${ids}-title`} data-call-id={approval.callId}>
      <header className="card-head">
        <h3 id={`${ids}-title`}>
          <span className="tool-name">{approval.tool}</span>
          {approval.reason === 'outcome_unknown' ? (
            <span className="badge failed">outcome unknown</span>
          ) : null}
          {approval.decided ? <span className="badge">decided, waiting for the others</span> : null}
        </h3>
        <p className="muted">
          {inRun ? null : (
            <>
              <a
                href={`/runs/${encodeURIComponent(approval.runId)}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/runs/${encodeURIComponent(approval.runId)}`);
                }}
              >
                run {shortId(approval.runId)}
              </a>{' '}
              · {approval.agentId} ·{' '}
            </>
          )}
          asked {when(approval.requestedAt)}
        </p>
      </header>
      {mode === 'edit' ? (
        <div className="field">
          <label htmlFor={`${ids}-input`}>Input (JSON)</label>
          <textarea
            id={`${ids}-input`}
            className="code"
            rows={Math.min(16, Math.max(4, draft.split('\n').length + 1))}
            value={draft}
            spellCheck={false}
            aria-invalid={problems.length > 0}
            aria-describedby={`${ids}-problems`}
            onChange={(event) => setDraft(event.target.value)}
          />
          <ul id={`${ids}-problems`} className="problems" role="alert">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : (
        <pre className="code">{json(approval.input)}</pre>
      )}
      {mode === 'deny' ? (
        <div className="field">
          <label htmlFor={`${ids}-reason`}>Reason (the model is told)</label>
          <input
            id={`${ids}-reason`}
            value={reason}
            maxLength={2000}
            onChange={(event) => setReason(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') void send('deny');
            }}
          />
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {canDecide && approval.reason === 'approval' ? (
        <div className="actions">
          {mode === 'deny' ? (
            <>
              <button type="button" className="danger" disabled={busy} onClick={() => void send('deny')}>
                Deny
              </button>
              <button type="button" disabled={busy} onClick={() => setMode('view')}>
                Back
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                className="primary"
                disabled={busy || (mode === 'edit' && problems.length > 0)}
                onClick={() => void send('approve')}
              >
                {mode === 'edit' ? 'Approve edited input' : 'Approve'}
              </button>
              <button type="button" disabled={busy} onClick={() => setMode('deny')}>
                Deny…
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => setMode(mode === 'edit' ? 'view' : 'edit')}
              >
                {mode === 'edit' ? 'Cancel edit' : 'Edit input'}
              </button>
            </>
          )}
          <label className="check">
            <input type="checkbox" checked={always} onChange={(event) => setAlways(event.target.checked)} />{' '}
            Always for this tool in this run
          </label>
        </div>
      ) : canDecide ? (
        <p className="muted">Decide this call with the resume API: retry, skip with a result, or fail.</p>
      ) : (
        <p className="muted">Your role cannot decide approvals.</p>
      )}
    </article>
  );
}
