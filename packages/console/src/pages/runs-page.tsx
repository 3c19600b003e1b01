/** The runs list: newest first, filtered, paged from the server, refreshed live while runs change. */
import { useCallback, useEffect, useState } from 'react';
import { type Agent, api, type Run, type RunFilters, type RunStatus } from '../api';
import { Problem, StatusBadge } from '../components/status';
import { cost, duration, shortId, tokens, when } from '../format';
import { useLive } from '../live';
import { navigate } from '../router';

/** Every status the API knows, in the filter's order: a status added to the API fails to compile until listed. */
const STATUS_ORDER = {
  queued: 1,
  running: 2,
  suspended: 3,
  interrupted: 4,
  completed: 5,
  failed: 6,
  cancelled: 7,
  rejected: 8,
} satisfies Record<RunStatus, number>;
const STATUSES = ['', ...Object.keys(STATUS_ORDER)];

function StartRun({ agents, onStarted }: { agents: Agent[]; onStarted: (runId: string) => void }) {
  const [agent, setAgent] = useState('');
  const [input, setInput] = useState('');
  const [error, setError] = useState<string | undefined>();
  const chosen = agent || agents[0]?.id || '';
  return (
    <form
      aria-label="Start a run"
      onSubmit={(event) => {
        event.preventDefault();
        setError(undefined);
        api.start(chosen, input).then(
          (started) => onStarted(started.runId),
          (failure: Error) => setError(failure.message),
        );
      }}
    >
      <fieldset className="start-run">
        <legend>Start a run</legend>
        <label>
          Agent
          <select value={chosen} onChange={(event) => setAgent(event.target.value)}>
            {agents.map((candidate) => (
              <option key={candidate.id}>{candidate.id}</option>
            ))}
          </select>
        </label>
        <label className="grow">
          Input
          <input
            value={input}
            onChange={(event) => setInput(event.target.value)}
            placeholder="What should the agent do?"
          />
        </label>
        <button type="submit" className="primary" disabled={!chosen || input.trim() === ''}>
          Start run
        </button>
        <Problem error={error} />
      </fieldset>
    </form>
  );
}

export function RunsPage({ canStart }: { canStart: boolean }) {
  const [filters, setFilters] = useState<RunFilters>({});
  const [runs, setRuns] = useState<Run[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [agents, setAgents] = useState<Agent[]>([]);
  const [error, setError] = useState<string | undefined>();

  const load = useCallback(() => {
    api.runs(filters).then(
      (page) => {
        setRuns(page.runs);
        setNext(page.nextCursor);
        setError(undefined);
      },
      (failure: Error) => setError(failure.message),
    );
  }, [filters]);

  useEffect(load, [load]);
  useEffect(() => {
    api.agents().then(
      (list) => setAgents(list.agents),
      () => undefined,
    );
  }, []);
  useLive(['run.', 'step.completed'], load, 500);

  const more = () => {
    if (!next) return;
    api.runs(filters, next).then(
      (page) => {
        setRuns((current) => [...(current ?? []), ...page.runs]);
        setNext(page.nextCursor);
      },
      (failure: Error) => setError(failure.message),
    );
  };

  const set = (key: keyof RunFilters) => (value: string) =>
    setFilters((current) => ({ ...current, [key]: value || undefined }));

  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      {canStart && agents.length > 0 ? (
        <StartRun agents={agents} onStarted={(runId) => navigate(`/runs/${runId}`)} />
      ) : null}
      <fieldset className="filters">
        <legend>Filter</legend>
        <label>
          Status
          <select value={filters.status ?? ''} onChange={(event) => set('status')(event.target.value)}>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agent
          <select value={filters.agent ?? ''} onChange={(event) => set('agent')(event.target.value)}>
            <option value="">any</option>
            {agents.map((agent) => (
              <option key={agent.id}>{agent.id}</option>
            ))}
          </select>
        </label>
        <label>
          Session
          <input
            value={filters.session ?? ''}
            onChange={(event) => set('session')(event.target.value)}
            placeholder="session id"
          />
        </label>
      </fieldset>
      <Problem error={error} />
      {runs === undefined ? (
        <p className="muted">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted">No runs yet. Start one above, or with `agentry run`.</p>
      ) : (
        <table className="runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Agent</th>
              <th scope="col">Session</th>
              <th scope="col">Started</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col" className="num">
                Tokens
              </th>
              <th scope="col" className="num">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.runId}>
                <td data-label="Run">
                  <a
                    href={`/runs/${encodeURIComponent(run.runId)}`}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(`/runs/${encodeURIComponent(run.runId)}`);
                    }}
                    title={run.input}
                  >
                    {shortId(run.runId)}
                  </a>
                  <span className="run-input">{run.input}</span>
                </td>
                <td data-label="Status">
                  <StatusBadge status={run.status} stopReason={run.stopReason} />
                </td>
                <td data-label="Agent">{run.agentId}</td>
                <td data-label="Session" title={run.sessionId}>
                  {shortId(run.sessionId)}
                </td>
                <td data-label="Started">{when(run.createdAt)}</td>
                <td data-label="Duration" className="num">
                  {duration(run.usage.durationMs)}
                </td>
                <td data-label="Tokens" className="num">
                  {tokens(run.usage.totalTokens)}
                </td>
                <td data-label="Cost" className="num">
                  {cost(run.usage.costUsd)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <button type="button" onClick={more}>
          Load older runs
        </button>
      ) : null}
    </section>
  );
}
