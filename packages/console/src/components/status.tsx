/** A run status as a coloured badge with its text (colour is never the only signal). */
export function StatusBadge({ status, stopReason }: { status: string; stopReason?: string | undefined }) {
  const detail = status === 'suspended' && stopReason === 'awaiting_approval' ? 'awaiting approval' : status;
  return <span className={`badge ${status}`}>{detail}</span>;
}

/** Renders a page-level problem from the API (or nothing). */
export function Problem({ error }: { error: string | undefined }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
