/** The run timeline: segments (start, each resume), their model steps, and each step's tool calls. */
import { cost, duration, json, tokens } from '../format';
import type { CallView, InputView, SegmentView, StepView } from '../timeline';

const CALL_LABEL: Record<CallView['status'], string> = {
  requested: 'requested',
  awaiting: 'awaiting approval',
  approved: 'approved',
  denied: 'denied',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
};

/** Outputs up to this long (as JSON text) are shown open; longer ones are one click away. */
const OPEN_OUTPUT_CHARS = 240;

function Call({ call }: { call: CallView }) {
  return (
    <li className={`call ${call.status}`}>
      <div className="call-head">
        <span className="tool-name">{call.tool}</span>
        {call.decision === 'approved' && call.status !== 'approved' ? (
          <span className="badge approved">approved</span>
        ) : null}
        <span className={`badge ${call.status}`}>{CALL_LABEL[call.status]}</span>
        {call.edited ? <span className="badge">edited input</span> : null}
        {call.sticky ? <span className="badge">always</span> : null}
        {call.replayed ? <span className="badge">from the ledger</span> : null}
        <span className="num muted">{call.durationMs === undefined ? '' : duration(call.durationMs)}</span>
      </div>
      {call.note ? (
        <p className="call-note">
          {call.status === 'denied' ? 'Reason: ' : ''}
          {call.note}
        </p>
      ) : null}
      <details>
        <summary>Input</summary>
        <pre className="code">{json(call.input)}</pre>
      </details>
      {call.output === undefined ? null : (
        <details className="output" open={json(call.output).length <= OPEN_OUTPUT_CHARS}>
          <summary>Output</summary>
          <pre className="code">{json(call.output)}</pre>
        </details>
      )}
    </li>
  );
}

function Inputs({ inputs }: { inputs: InputView[] }) {
  if (inputs.length === 0) return null;
  return (
    <ul className="inputs">
      {inputs.map((input) => (
        <li key={input.seq} className="input-received">
          <span className="badge">input #{input.seq}</span> {input.text}
        </li>
      ))}
    </ul>
  );
}

function Step({ step }: { step: StepView }) {
  return (
    <li className="step">
      <div className="step-head">
        <h4>Step {step.step}</h4>
        <span className="muted num">
          {duration(step.modelMs)} · {tokens(step.inputTokens)} in / {tokens(step.outputTokens)} out ·{' '}
          <span className="step-cost">{cost(step.costUsd)}</span>
          {step.checkpoints > 0 ? ` · ${step.checkpoints} checkpoint${step.checkpoints > 1 ? 's' : ''}` : ''}
        </span>
      </div>
      <Inputs inputs={step.inputs} />
      {step.text ? <p className="model-text">{step.text}</p> : null}
      {step.modelError ? <p className="error">Model failed: {step.modelError}</p> : null}
      {step.calls.length > 0 ? (
        <ul className="calls">
          {step.calls.map((call) => (
            <Call key={call.callId} call={call} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

const CAUSE: Record<string, string> = {
  start: 'Started',
  decision: 'Resumed after a decision',
  retry: 'Resumed after a retryable failure',
  recovery: 'Taken over after its process stopped',
};

export function TimelineView({ segments }: { segments: SegmentView[] }) {
  if (segments.length === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol className="timeline">
      {segments.map((segment) => (
        <li key={segment.index} className="segment">
          <p className="segment-head">
            <strong>{CAUSE[segment.cause] ?? segment.cause}</strong>{' '}
            <span className="muted">{new Date(segment.time).toLocaleTimeString()}</span>
            {segment.worker ? (
              <span className="worker muted">
                {' '}
                on <code>{segment.worker}</code>
              </span>
            ) : null}
          </p>
          <ol className="steps">
            {segment.steps.map((step) => (
              <Step key={step.step} step={step} />
            ))}
          </ol>
          <Inputs inputs={segment.inputs} />
          {segment.end ? (
            <p className={`segment-end ${segment.end.type.slice(4)}`}>
              <strong>{segment.end.type.slice(4)}</strong> {segment.end.detail}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
