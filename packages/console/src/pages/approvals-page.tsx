/** The approvals inbox: every call waiting for a decision, across runs, refreshed live. */
import { useCallback, useEffect, useState } from 'react';
import { type Approval, api, type Role } from '../api';
import { ApprovalCard } from '../components/approval-card';
import { Problem } from '../components/status';
import { useLive } from '../live';

export function ApprovalsPage({ role, onCount }: { role: Role; onCount: (count: number) => void }) {
  const [approvals, setApprovals] = useState<Approval[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(() => {
    api.approvals().then(
      (list) => {
        setApprovals(list.approvals);
        onCount(list.approvals.filter((approval) => !approval.decided).length);
        setError(undefined);
      },
      (failure: Error) => setError(failure.message),
    );
  }, [onCount]);
  useEffect(load, [load]);
  useLive(['run.', 'tool.approval', 'tool.approved', 'tool.denied'], load);
  const canDecide = role !== 'viewer';
  return (
    <section aria-labelledby="inbox-title">
      <h2 id="inbox-title">Approvals</h2>
      <Problem error={error} />
      {approvals === undefined ? (
        <p className="muted">Loading…</p>
      ) : approvals.length === 0 ? (
        <p className="muted">Nothing waits for a decision.</p>
      ) : (
        approvals.map((approval) => (
          <ApprovalCard
            key={`${approval.runId}/${approval.callId}`}
            approval={approval}
            canDecide={canDecide}
            onDecided={load}
          />
        ))
      )}
    </section>
  );
}
