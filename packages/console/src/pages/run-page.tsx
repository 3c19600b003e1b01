/** One run: its figures, actions, pending approvals and timeline, loaded once then followed live from its last seq. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure, type Approval, api, follow, type Role, type Run } from '../api';
import { ApprovalCard } from '../components/approval-card';
import { SendInput } from '../components/send-input';
import { Problem, StatusBadge } from '../components/status';
import { TimelineView } from '../components/timeline-view';
import { cost, duration, tokens, when } from '../format';
import { applyEvent, emptyTimeline, type Timeline } from '../timeline';

const rank: Record<Role, number> = { viewer: 0, approver: 1, operator: 2, admin: 3 };

export function RunPage({ runId, role }: { runId: string; role: Role }) {
  const [run, setRun] = useState<Run | undefined>();
  const [approvals, setApprovals] = useState<Approval[]>([]);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  /** Set after a cancel or interrupt the API only passed on to the process driving the run. */
  const [stopRequested, setStopRequested] = useState(false);
  const timeline = useRef<Timeline>(emptyTimeline());

  const refresh = useCallback(() => {
    api.run(runId).then(setRun, (failure: Error) => setError(failure.message));
    api.approvals().then(
      (list) => setApprovals(list.approvals.filter((approval) => approval.runId === runId)),
      () => undefined,
    );
  }, [runId]);

  /** Reads the stored events after the last seq seen (paged) into the timeline. */
  const catchUp = useCallback(
    async (stopped: () => boolean) => {
      for (;;) {
        const page = await api.events(runId, timeline.current.lastSeq);
        for (const event of page.events) applyEvent(timeline.current, event);
        if (page.events.length < 2000 || stopped()) break;
      }
      setVersion((value) => value + 1);
    },
    [runId],
  );

  useEffect(() => {
    timeline.current = emptyTimeline();
    setVersion((value) => value + 1);
    refresh();
    let stopped = false;
    let stop: (() => void) | undefined;
    // Stored events first, then the live stream from the last seq seen.
    const load = async () => {
      await catchUp(() => stopped);
      if (stopped) return;
      stop = follow(
        `/api/v1/runs/${encodeURIComponent(runId)}/events/stream`,
        (event) => {
          applyEvent(timeline.current, event);
          setVersion((value) => value + 1);
          if (event.type.startsWith('run.') || event.type.startsWith('tool.approval')) refresh();
        },
        () => timeline.current.lastSeq,
      );
    };
    load().catch((failure: Error) => setError(failure.message));
    return () => {
      stopped = true;
      stop?.();
    };
  }, [runId, refresh, catchUp]);

  /*
   * A stop that another process carries out reaches this server's event bus only when the bus is shared
   * (`events: redis`); so after a requested stop the page reads the run from the store until it has ended.
   */
  useEffect(() => {
    if (!stopRequested) return;
    let left = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = 500;
    const check = async () => {
      const latest = await api.run(runId);
      await catchUp(() => left);
      if (left) return;
      setRun(latest);
      if (latest.status === 'running' || latest.status === 'queued') {
        delay = Math.min(delay * 2, 5000);
        timer = setTimeout(tick, delay);
      } else {
        setStopRequested(false);
        setNotice(undefined);
      }
    };
    const tick = () => {
      check().catch(() => {
        if (!left) timer = setTimeout(tick, delay);
      });
    };
    timer = setTimeout(tick, delay);
    return () => {
      left = true;
      clearTimeout(timer);
    };
  }, [stopRequested, runId, catchUp]);

  const act = (work: () => Promise<unknown>) => {
    setError(undefined);
    setNotice(undefined);
    work().then(refresh, (failure: unknown) =>
      setError(
        failure instanceof ApiFailure
          ? `${failure.message}${failure.hint ? ` — ${failure.hint}` : ''}`
          : String(failure),
      ),
    );
  };

  /** Cancel or interrupt; a run another process drives is only asked (it stops at its next step). */
  const stop = (kind: 'cancel' | 'interrupt') =>
    act(async () => {
      const after = await api[kind](runId);
      if (after.status === 'running' || after.status === 'queued') {
        setNotice(
          `${kind === 'cancel' ? 'Cancel' : 'Interrupt'} requested: the process driving this run stops it at its next step.`,
        );
        setStopRequested(true);
      }
    });

  const operator = rank[role] >= rank.operator;
  void version;
  return (
    <section aria-labelledby="run-title">
      <h2 id="run-title">
        Run <code>{runId}</code>
      </h2>
      <Problem error={error} />
      {run ? (
        <>
          <dl className="figures">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={run.status} stopReason={run.stopReason} />
              </dd>
            </div>
            <div>
              <dt>Agent</dt>
              <dd>{run.agentId}</dd>
            </div>
            <div>
              <dt>Session</dt>
              <dd>
                <code>{run.sessionId}</code>
              </dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{when(run.createdAt)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd className="num">{duration(run.usage.durationMs)}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd className="num">{tokens(run.usage.totalTokens)}</dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd className="num">{cost(run.usage.costUsd)}</dd>
            </div>
            <div>
              <dt>Calls</dt>
              <dd className="num">
                {run.usage.modelCalls} model · {run.usage.toolCalls} tool
              </dd>
            </div>
          </dl>
          <p className="run-input-full">
            <strong>Input:</strong> {run.input}
          </p>
          {run.output ? (
            <p className="run-output">
              <strong>Output:</strong> {run.output}
            </p>
          ) : null}
          {run.error ? (
            <p className="error">
              {run.error.code}: {run.error.message}
            </p>
          ) : null}
          {operator ? (
            <div className="actions" role="toolbar" aria-label="Run actions">
              <button
                type="button"
                disabled={run.status !== 'running' && run.status !== 'queued'}
                onClick={() => stop('cancel')}
              >
                Cancel
              </button>
              <button type="button" disabled={run.status !== 'running'} onClick={() => stop('interrupt')}>
                Interrupt
              </button>
              <button
                type="button"
                disabled={
                  run.status === 'running' ||
                  run.status === 'completed' ||
                  run.status === 'cancelled' ||
                  run.pending.length > 0
                }
                onClick={() => act(() => api.resume(runId))}
              >
                Resume
              </button>
            </div>
          ) : null}
          {notice ? (
            <p className="muted" role="status">
              {notice}
            </p>
          ) : null}
          {rank[role] >= rank.approver ? (
            <SendInput runId={runId} status={run.status} onSent={refresh} />
          ) : null}
        </>
      ) : null}
      {approvals.length > 0 ? (
        <section aria-labelledby="run-approvals">
          <h3 id="run-approvals">Waiting for a decision</h3>
          {approvals.map((approval) => (
            <ApprovalCard
              key={approval.callId}
              approval={approval}
              canDecide={rank[role] >= rank.approver}
              onDecided={refresh}
              inRun
            />
          ))}
        </section>
      ) : null}
      <h3>Timeline</h3>
      <TimelineView segments={timeline.current.segments} />
    </section>
  );
}
