import type { Runtime } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { noteRuntime } from './__fixtures__/test-runtime.js';
import { createServer } from './create-server.js';
import { type Listening, listen } from './listen.js';

const opened: (Runtime | Listening)[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

/** Reads SSE messages from a response until `until` says stop or the stream ends. */
async function readEvents(
  response: Response,
  until: (message: { id?: string; event?: string; data: string }) => boolean,
): Promise<{ id?: string; event?: string; data: string }[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const messages: { id?: string; event?: string; data: string }[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return messages;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const message: { id?: string; event?: string; data: string } = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('data: ')) message.data += line.slice(6);
      }
      if (!message.event) continue;
      messages.push(message);
      if (until(message)) {
        await reader.cancel();
        return messages;
      }
    }
  }
}

describe('run events as Server-Sent Events', () => {
  it('replays from Last-Event-ID, then follows the run live until it ends', async () => {
    const { runtime } = await noteRuntime();
    opened.push(runtime);
    const server = createServer(runtime);
    const http = await listen(server, { port: 0, hasTokens: false });
    opened.push(http);
    const started = await fetch(`${http.url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'writer', input: 'go' }),
    });
    const { runId } = (await started.json()) as { runId: string };
    await server.settled();
    const stored = (await (await fetch(`${http.url}/api/v1/runs/${runId}/events`)).json()) as {
      events: { seq: number; type: string }[];
    };
    const suspendedSeq = stored.events.find((event) => event.type === 'run.suspended')?.seq ?? 0;
    expect(suspendedSeq).toBeGreaterThan(3);

    const stream = await fetch(`${http.url}/api/v1/runs/${runId}/events/stream`, {
      headers: { 'last-event-id': String(suspendedSeq - 2) },
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(stream, (message) => message.event === 'run.completed');

    const approvals = (await (await fetch(`${http.url}/api/v1/approvals`)).json()) as {
      approvals: { callId: string; inputHash: string }[];
    };
    const call = approvals.approvals[0] as { callId: string; inputHash: string };
    await fetch(`${http.url}/api/v1/approvals/${runId}/${encodeURIComponent(call.callId)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', inputHash: call.inputHash }),
    });
    const messages = await reading;
    const seqs = messages.map((message) => Number(message.id));
    expect(seqs[0]).toBe(suspendedSeq - 1);
    expect(seqs).toEqual(seqs.map((_, index) => suspendedSeq - 1 + index));
    expect(messages.map((message) => message.event)).toContain('run.resumed');
    expect(messages.at(-1)?.event).toBe('run.completed');
    expect(JSON.parse(messages.at(-1)?.data ?? '{}')).toMatchObject({ runId, type: 'run.completed' });
  });

  it('ends the stream of a run that already ended after replaying it', async () => {
    const { runtime } = await noteRuntime();
    opened.push(runtime);
    const server = createServer(runtime);
    const http = await listen(server, { port: 0, hasTokens: false });
    opened.push(http);
    const started = await fetch(`${http.url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'writer', input: 'go' }),
    });
    const { runId } = (await started.json()) as { runId: string };
    await server.settled();
    const [call] = (
      (await (await fetch(`${http.url}/api/v1/approvals`)).json()) as {
        approvals: { callId: string; inputHash: string }[];
      }
    ).approvals;
    await fetch(`${http.url}/api/v1/approvals/${runId}/${encodeURIComponent(call?.callId ?? '')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'deny', reason: 'no', inputHash: call?.inputHash }),
    });
    await server.settled();
    const replay = await readEvents(
      await fetch(`${http.url}/api/v1/runs/${runId}/events/stream`),
      () => false,
    );
    expect(replay[0]?.id).toBe('1');
    expect(replay.at(-1)?.event).toBe('run.completed');
  });
});
