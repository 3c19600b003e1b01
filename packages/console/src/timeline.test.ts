import { describe, expect, it } from 'vitest';
import type { RunEvent } from './api';
import { applyEvent, emptyTimeline } from './timeline';

let seq = 0;
const event = (type: string, data: Record<string, unknown>): RunEvent => {
  seq += 1;
  return {
    type,
    data,
    seq,
    runId: 'r',
    sessionId: 's',
    agentId: 'a',
    time: new Date(seq * 1000).toISOString(),
  };
};

describe('the run timeline', () => {
  it('groups steps by segment and follows a call through its approval, across a resume', () => {
    seq = 0;
    const events = [
      event('run.started', { input: 'go' }),
      event('step.started', { step: 1 }),
      event('model.responded', {
        step: 1,
        text: 'Writing.',
        usage: { inputTokens: 10, outputTokens: 5 },
        durationMs: 7,
      }),
      event('checkpoint.saved', { step: 1 }),
      event('tool.requested', { callId: 'c1', tool: 'write-file', input: { path: 'a' } }),
      event('tool.approval_requested', { callId: 'c1', tool: 'write-file' }),
      event('run.suspended', {
        stopReason: 'awaiting_approval',
        pending: [{ callId: 'c1', tool: 'write-file' }],
      }),
      event('run.resumed', { reason: 'decision' }),
      event('tool.denied', { callId: 'c1', tool: 'write-file', reason: 'use b.md' }),
      event('step.started', { step: 2 }),
      event('model.responded', {
        step: 2,
        text: 'Done.',
        usage: { inputTokens: 20, outputTokens: 2 },
        durationMs: 3,
      }),
      event('run.completed', { output: 'Done.' }),
    ];
    const timeline = emptyTimeline();
    for (const item of events) applyEvent(timeline, item);
    const [first, second] = timeline.segments;
    expect(first?.cause).toBe('start');
    expect(first?.steps[0]).toMatchObject({
      text: 'Writing.',
      inputTokens: 10,
      outputTokens: 5,
      modelMs: 7,
      checkpoints: 1,
    });
    expect(first?.steps[0]?.calls[0]).toMatchObject({
      tool: 'write-file',
      status: 'denied',
      decision: 'denied',
      note: 'use b.md',
    });
    expect(first?.end).toMatchObject({
      type: 'run.suspended',
      detail: 'waiting for a decision on write-file',
    });
    expect(second).toMatchObject({ cause: 'decision', end: { type: 'run.completed', detail: 'Done.' } });
    expect(second?.steps.map((step) => step.text)).toEqual(['Done.']);
  });

  it("names the worker of each segment, and keeps each call's output and each step's cost", () => {
    seq = 0;
    const timeline = emptyTimeline();
    for (const item of [
      event('run.started', { input: 'go', durable: true, worker: 'host-a-11' }),
      event('step.started', { step: 1 }),
      event('model.responded', { step: 1, text: '', usage: { inputTokens: 1000 }, costUsd: 0.003 }),
      event('tool.requested', { callId: 'c1', tool: 'read-file', input: { path: 'notes.md' } }),
      event('tool.succeeded', { callId: 'c1', tool: 'read-file', output: '# Notes', durationMs: 2 }),
      event('run.suspended', { stopReason: 'interrupted', pending: [] }),
      event('run.resumed', { reason: 'recovery', worker: 'host-b-22' }),
      event('step.started', { step: 2 }),
      event('model.responded', { step: 2, text: 'Done.', usage: {}, costUsd: 0.001 }),
      event('model.responded', { step: 2, text: '', usage: {}, costUsd: 0.0005 }),
    ])
      applyEvent(timeline, item);
    expect(timeline.segments.map((segment) => segment.worker)).toEqual(['host-a-11', 'host-b-22']);
    expect(timeline.segments[0]?.steps[0]?.calls[0]).toMatchObject({
      status: 'succeeded',
      output: '# Notes',
    });
    expect(timeline.segments.map((segment) => segment.steps[0]?.costUsd)).toEqual([0.003, 0.0015]);
  });

  it('ignores an event it has already seen (replay overlapping the live stream)', () => {
    seq = 0;
    const timeline = emptyTimeline();
    const started = event('run.started', { input: 'go' });
    applyEvent(timeline, started);
    applyEvent(timeline, started);
    expect(timeline.segments).toHaveLength(1);
    expect(timeline.lastSeq).toBe(1);
  });

  it('puts input sent into the run on the step whose model call received it first', () => {
    seq = 0;
    const timeline = emptyTimeline();
    for (const next of [
      event('run.started', { input: 'go' }),
      event('step.started', { step: 1 }),
      event('model.responded', { step: 1, text: 'Working.', usage: { inputTokens: 1, outputTokens: 1 } }),
      event('run.input_received', { seq: 1, text: 'shorter, please' }),
      event('step.started', { step: 2 }),
      event('run.input_received', { seq: 2, text: 'and in French' }),
      event('run.suspended', { stopReason: 'awaiting_approval', pending: [] }),
    ]) {
      applyEvent(timeline, next);
    }
    const [segment] = timeline.segments;
    expect(segment?.steps.map((step) => step.inputs.map((input) => input.text))).toEqual([
      [],
      ['shorter, please'],
    ]);
    // Received after the last step started, before the run stopped: shown on the segment.
    expect(segment?.inputs.map((input) => input.seq)).toEqual([2]);
  });
});
