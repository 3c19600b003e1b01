/** The configured agents: their tools (side effects, approval rule), budgets, and config with secrets redacted. */
import { useEffect, useState } from 'react';
import { type Agent, api } from '../api';
import { Problem } from '../components/status';
import { json } from '../format';

function AgentCard({ agent }: { agent: Agent }) {
  const [config, setConfig] = useState<Record<string, unknown> | undefined>();
  return (
    <article className="card" aria-labelledby={`agent-${agent.id}`}>
      <h3 id={`agent-${agent.id}`}>{agent.id}</h3>
      {agent.description ? <p>{agent.description}</p> : null}
      <p className="muted">
        {agent.durable ? 'durable' : 'not durable'}
        {Object.entries(agent.budget).map(([key, value]) => ` · ${key} ${value}`)}
      </p>
      <table className="tools">
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Side effects</th>
            <th scope="col">Approval</th>
          </tr>
        </thead>
        <tbody>
          {agent.tools.map((tool) => (
            <tr key={tool.name}>
              <td data-label="Tool">
                <span className="tool-name">{tool.name}</span>
                <span className="muted"> {tool.description}</span>
              </td>
              <td data-label="Side effects">{tool.sideEffects}</td>
              <td data-label="Approval">{tool.approval}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details
        onToggle={(event) => {
          if ((event.target as HTMLDetailsElement).open && !config) {
            api.agent(agent.id).then(
              (detail) => setConfig(detail.config ?? {}),
              () => setConfig({}),
            );
          }
        }}
      >
        <summary>Resolved config (secrets redacted)</summary>
        <pre className="code">{config ? json(config) : 'Loading…'}</pre>
      </details>
    </article>
  );
}

export function AgentsPage() {
  const [agents, setAgents] = useState<Agent[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.agents().then(
      (list) => setAgents(list.agents),
      (failure: Error) => setError(failure.message),
    );
  }, []);
  return (
    <section aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      <Problem error={error} />
      {agents?.map((agent) => (
        <AgentCard key={agent.id} agent={agent} />
      ))}
    </section>
  );
}
