/**
 * Decisions on some of a run's pending calls live in the store: two servers on one SQLite file see each
 * other's, and a server started afresh still has them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRuntime, defineTool, type Runtime } from '@agentry/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { type AgentryServer, createServer } from './create-server.js';

type Approval = {
  runId: string;
  callId: string;
  inputHash: string;
  input: { path: string };
  decided: boolean;
};

const dir = mkdtempSync(path.join(tmpdir(), 'agentry-decisions-'));
const notes = new Map<string, string>();
const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server on its own runtime over the shared SQLite file; the model asks for two writes at once. */
async function serverOnStore(): Promise<{ runtime: Runtime; server: AgentryServer; api: OpenApiClient }> {
  const writeNote = defineTool({
    name: 'write-note',
    description: 'Writes a note',
    input: z.object({ path: z.string(), content: z.string() }).strict(),
    sideEffects: 'unsafe',
    approval: 'always',
    execute: ({ path: file, content }) => {
      notes.set(file, content);
      return `wrote ${file}`;
    },
  });
  const runtime = await createRuntime({
    config: {
      version: 1,
      store: { type: 'sqlite', config: { path: path.join(dir, 'agentry.db') } },
      models: {
        demo: {
          provider: 'scripted',
          script: [
            {
              text: 'Writing both.',
              toolCalls: [
                { tool: 'write-note', input: { path: 'a.md', content: 'A' } },
                { tool: 'write-note', input: { path: 'b.md', content: 'B' } },
              ],
            },
            'Done.',
          ],
        },
      },
      agents: { writer: { model: 'demo', durable: true, budget: { maxSteps: 4 } } },
    },
    tools: [writeNote],
  });
  opened.push(runtime);
  const server = createServer(runtime);
  return { runtime, server, api: new OpenApiClient(server) };
}

async function inbox(api: OpenApiClient, runId: string): Promise<Approval[]> {
  const answer = await api.call<{ approvals: Approval[] }>('GET', '/api/v1/approvals');
  return answer.body.approvals
    .filter((entry) => entry.runId === runId)
    .sort((a, b) => a.input.path.localeCompare(b.input.path));
}

const approve = (api: OpenApiClient, approval: Approval) =>
  api.call<{ state: string; waitingFor: string[] }>(
    'POST',
    `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`,
    { body: { decision: 'approve', inputHash: approval.inputHash } },
  );

describe('partial decisions in the store', () => {
  it('a decision made on one server shows on another and survives a restart; the last decision on either continues the run', async () => {
    const first = await serverOnStore();
    const started = await first.api.call<{ runId: string }>('POST', '/api/v1/runs', {
      body: { agent: 'writer', input: 'write a and b' },
    });
    await first.server.settled();
    const runId = started.body.runId;
    const [a, b] = await inbox(first.api, runId);
    if (!a || !b) throw new Error('two pending writes expected');

    const second = await serverOnStore();
    const recorded = await approve(first.api, a);
    expect(recorded.body).toEqual({ runId, state: 'recorded', waitingFor: [b.callId] });
    expect((await inbox(second.api, runId)).map((entry) => entry.decided)).toEqual([true, false]);

    // The first server stops; a new one on the same store still knows the decision.
    await first.runtime.close();
    opened.splice(opened.indexOf(first.runtime), 1);
    const restarted = await serverOnStore();
    expect((await inbox(restarted.api, runId)).map((entry) => entry.decided)).toEqual([true, false]);
    expect(notes.size).toBe(0);

    const resumed = await approve(second.api, b);
    expect(resumed.body).toMatchObject({ state: 'resumed', waitingFor: [] });
    await second.server.settled();
    const run = await second.api.call<{ status: string; output?: string }>('GET', `/api/v1/runs/${runId}`);
    expect(run.body).toMatchObject({ status: 'completed', output: 'Done.' });
    expect(Object.fromEntries(notes)).toEqual({ 'a.md': 'A', 'b.md': 'B' });
    expect(await inbox(second.api, runId)).toEqual([]);
    // The kept decisions are gone from the store once the run continued with them.
    expect(await restarted.runtime.runs.decisions?.get(runId, [a.callId, b.callId])).toEqual({});
  });
});
