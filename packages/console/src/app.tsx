/** The console shell: who you are (or a token prompt), navigation, a config-error banner, and the current page. */
import { useCallback, useEffect, useState } from 'react';
import { ApiFailure, api, type Me, tokens } from './api';
import { startLive, useLive } from './live';
import { AgentsPage } from './pages/agents-page';
import { ApprovalsPage } from './pages/approvals-page';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';
import { navigate, type Route, useRoute } from './router';

function TokenPrompt({ problem, onToken }: { problem?: string | undefined; onToken: () => void }) {
  const [value, setValue] = useState('');
  return (
    <main className="token-prompt">
      <h1>Agentry console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          tokens.set(value.trim());
          onToken();
        }}
      >
        <label htmlFor="token">Access token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <button type="submit" className="primary" disabled={value.trim() === ''}>
          Sign in
        </button>
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <p className="muted">
          The server reads tokens from AGENTRY_SERVER_TOKENS. This tab keeps yours until it closes.
        </p>
      </form>
    </main>
  );
}

function NavLink({ to, current, children }: { to: string; current: boolean; children: React.ReactNode }) {
  return (
    <a
      href={to}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

function Page({ route, me, onCount }: { route: Route; me: Me; onCount: (count: number) => void }) {
  switch (route.page) {
    case 'runs':
      return <RunsPage canStart={me.role === 'operator' || me.role === 'admin'} />;
    case 'run':
      return <RunPage runId={route.runId} role={me.role} />;
    case 'approvals':
      return <ApprovalsPage role={me.role} onCount={onCount} />;
    case 'agents':
      return <AgentsPage />;
    default:
      return <p>No page at {route.path}.</p>;
  }
}

export function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [needsToken, setNeedsToken] = useState(false);
  const [waiting, setWaiting] = useState(0);

  const signIn = useCallback(() => {
    api.me().then(
      (answer) => {
        setMe(answer);
        setNeedsToken(false);
        setProblem(undefined);
      },
      (failure: unknown) => {
        if (failure instanceof ApiFailure && failure.status === 401) {
          if (tokens.get()) setProblem('That token was not accepted.');
          tokens.clear();
          setNeedsToken(true);
        } else setProblem(String(failure instanceof Error ? failure.message : failure));
      },
    );
  }, []);
  useEffect(signIn, [signIn]);
  useEffect(() => (me ? startLive() : undefined), [me]);

  const countWaiting = useCallback(() => {
    api.approvals().then(
      (list) => setWaiting(list.approvals.filter((approval) => !approval.decided).length),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    if (me) countWaiting();
  }, [me, countWaiting]);
  useLive(['run.', 'tool.approval'], countWaiting, 500);
  // `agentry dev` reports config errors through /me: look again every few seconds.
  useEffect(() => {
    if (!me) return undefined;
    const timer = setInterval(signIn, 3000);
    return () => clearInterval(timer);
  }, [me, signIn]);

  if (needsToken) return <TokenPrompt problem={problem} onToken={signIn} />;
  if (!me)
    return (
      <main className="loading">
        {problem ? <p className="error">{problem}</p> : <p className="muted">Connecting…</p>}
      </main>
    );
  return (
    <>
      <header className="top">
        <h1>
          <a
            href="/"
            onClick={(event) => {
              event.preventDefault();
              navigate('/');
            }}
          >
            Agentry
          </a>
        </h1>
        <nav aria-label="Main">
          <NavLink to="/" current={route.page === 'runs' || route.page === 'run'}>
            Runs
          </NavLink>
          <NavLink to="/approvals" current={route.page === 'approvals'}>
            Approvals <span className="count">{waiting}</span>
            <span className="visually-hidden"> waiting</span>
          </NavLink>
          <NavLink to="/agents" current={route.page === 'agents'}>
            Agents
          </NavLink>
        </nav>
        <span className="who">
          {me.role}
          {me.auth === 'token' ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                tokens.clear();
                setMe(undefined);
                setNeedsToken(true);
              }}
            >
              Sign out
            </button>
          ) : null}
        </span>
      </header>
      {me.configError ? (
        <div className="banner" role="alert">
          <strong>Config error — still serving the last good config.</strong>
          <pre>{me.configError}</pre>
        </div>
      ) : null}
      <main>
        <Page route={route} me={me} onCount={setWaiting} />
      </main>
    </>
  );
}
