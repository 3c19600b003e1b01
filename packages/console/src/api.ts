/**
 * The console's client of the public HTTP API (`/api/v1`): what a page shows, a program can fetch.
 * The token lives in sessionStorage of this tab only; SSE is read with fetch so it carries the token.
 */

import type {
  AgentDetail,
  AgentList,
  Approval as ApiApproval,
  PendingCall as ApiPendingCall,
  Run as ApiRun,
  RunStatus as ApiRunStatus,
  Tool as ApiTool,
  ApprovalDecision,
  ApprovalList,
  DecisionAccepted,
  Event,
  EventPage,
  InputReceipt,
  RunAccepted,
  RunPage,
  RunUsage,
  WhoAmI,
} from './api-types';

// The API's shapes come from its OpenAPI document (`api-types.ts`, generated; a server test keeps it
// current). The console's names for them:
export type Role = WhoAmI['role'];
export type RunStatus = ApiRunStatus;
export type Usage = RunUsage;
export type PendingCall = ApiPendingCall;
export type Run = ApiRun;
export type RunEvent = Event;
export type Approval = ApiApproval;
export type JsonSchema = NonNullable<ApiApproval['inputSchema']>;
export type Tool = ApiTool;
export type Agent = AgentDetail;
export type Me = WhoAmI;

/** An error answer of the API, with its stable code. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'agentry.token';

export const tokens = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = tokens.get();
  return { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; hint?: string } } | undefined)
      ?.error;
    throw new ApiFailure(
      response.status,
      error?.code ?? 'http.error',
      error?.message ?? response.statusText,
      error?.hint,
    );
  }
  return parsed as T;
}

export interface RunFilters {
  agent?: string;
  status?: string;
  session?: string;
  since?: string;
}

export const api = {
  me: () => call<Me>('GET', '/api/v1/me'),
  runs: (filters: RunFilters, cursor?: string, limit = 50) => {
    const query = new URLSearchParams({ limit: String(limit) });
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
    if (cursor) query.set('cursor', cursor);
    return call<RunPage>('GET', `/api/v1/runs?${query}`);
  },
  run: (runId: string) => call<Run>('GET', `/api/v1/runs/${encodeURIComponent(runId)}`),
  events: (runId: string, after: number) =>
    call<EventPage>('GET', `/api/v1/runs/${encodeURIComponent(runId)}/events?after=${after}&limit=2000`),
  start: (agent: string, input: string) => call<RunAccepted>('POST', '/api/v1/runs', { agent, input }),
  cancel: (runId: string) => call<Run>('POST', `/api/v1/runs/${encodeURIComponent(runId)}/cancel`, {}),
  interrupt: (runId: string) => call<Run>('POST', `/api/v1/runs/${encodeURIComponent(runId)}/interrupt`),
  resume: (runId: string) =>
    call<RunAccepted>('POST', `/api/v1/runs/${encodeURIComponent(runId)}/resume`, {}),
  send: (runId: string, input: string) =>
    call<InputReceipt>('POST', `/api/v1/runs/${encodeURIComponent(runId)}/input`, { input }),
  approvals: () => call<ApprovalList>('GET', '/api/v1/approvals'),
  decide: (approval: Approval, decision: Omit<ApprovalDecision, 'inputHash'>) =>
    call<DecisionAccepted>(
      'POST',
      `/api/v1/approvals/${encodeURIComponent(approval.runId)}/${encodeURIComponent(approval.callId)}`,
      { ...decision, inputHash: approval.inputHash },
    ),
  agents: () => call<AgentList>('GET', '/api/v1/agents'),
  agent: (agentId: string) => call<Agent>('GET', `/api/v1/agents/${encodeURIComponent(agentId)}`),
};

/**
 * Follows an SSE endpoint with fetch (EventSource cannot send the token), reconnecting with
 * `Last-Event-ID` after a drop. Returns a function that stops it.
 */
export function follow(
  path: string,
  onEvent: (event: RunEvent) => void,
  lastId?: () => number | undefined,
): () => void {
  const controller = new AbortController();
  /** Reads one connection; true when the server asked to reconnect (the runtime it serves was replaced). */
  const read = async (): Promise<boolean> => {
    const last = lastId?.();
    const response = await fetch(path, {
      headers: headers(last === undefined ? {} : { 'last-event-id': String(last) }),
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const type = lines.find((line) => line.startsWith('event: '))?.slice(7);
        const data = lines
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (type === 'reconnect') {
          await reader.cancel();
          return true;
        }
        if (data && type && type !== 'ready') onEvent(JSON.parse(data) as RunEvent);
      }
    }
  };
  const run = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      try {
        if (!(await read())) return;
      } catch {
        if (controller.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  };
  void run();
  return () => controller.abort();
}
