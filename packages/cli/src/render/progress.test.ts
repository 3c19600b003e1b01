import type { AnyAgentryEvent } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { Collector } from '../__fixtures__/cli-harness.js';
import { ProgressView } from './progress.js';
import { createStyle } from './style.js';

let seq = 0;
function event<T extends AnyAgentryEvent['type']>(
  type: T,
  data: Extract<AnyAgentryEvent, { type: T }>['data'],
  runId = 'run_1',
): AnyAgentryEvent {
  seq += 1;
  return {
    type,
    data,
    runId,
    sessionId: 's',
    agentId: 'assistant',
    seq,
    time: '2026-01-01T00:00:00.000Z',
  } as AnyAgentryEvent;
}

function render(events: AnyAgentryEvent[]): string {
  const writer = new Collector(false);
  const view = new ProgressView({
    writer,
    style: createStyle(false),
    live: false,
    redact: (text) => text.replaceAll('sk-secret', '[redacted]'),
  });
  view.start();
  for (const item of events) view.handle(item);
  view.stop();
  return writer.text;
}

describe('run progress', () => {
  it('prints one plain line per model call and tool call with input, duration and status', () => {
    const text = render([
      event('run.started', { input: 'go', durable: true }),
      event('model.responded', {
        step: 1,
        callIndex: 0,
        text: '',
        toolCalls: [{ id: 't1', name: 'read-file' }],
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        finishReason: 'tool-calls',
        durationMs: 1200,
      }),
      event('tool.requested', { callId: 'c1', tool: 'read-file', input: { path: 'notes.md' } }),
      event('tool.succeeded', { callId: 'c1', tool: 'read-file', durationMs: 3, replayed: false }),
      event('checkpoint.saved', { step: 1, bytes: 512, version: 1 }),
      event('tool.approval_requested', {
        callId: 'c2',
        tool: 'write-file',
        input: { path: 'out.md' },
        inputHash: 'h',
      }),
      event('tool.failed', {
        callId: 'c3',
        tool: 'http',
        error: { code: 'tool.timeout', message: 'took too long', retryable: true },
        durationMs: 20000,
      }),
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('▶ assistant run_1 (durable)');
    expect(lines[1]).toBe('  model step 1 · 1 tool call · 15 tokens · 1.2s');
    expect(lines[2]).toBe('  tool  read-file {"path":"notes.md"} · 3ms · ok');
    expect(lines[3]).toBe('  ◆ checkpoint step 1 (512 bytes)');
    expect(lines[4]).toBe('  tool  write-file {"path":"out.md"} · needs approval');
    expect(lines[5]).toBe('  tool  http · 20.0s · failed: took too long');
    expect(text).not.toContain('\u001b[');
  });

  it('ignores other runs, indents child runs, and redacts', () => {
    const text = render([
      event('run.started', { input: 'go', durable: false }, 'run_main'),
      event('run.started', { input: 'other', durable: false }, 'run_other'),
      event('run.started', { input: 'child', durable: false, parentRunId: 'run_main' }, 'run_child'),
      event('tool.requested', { callId: 'c1', tool: 'http', input: { token: 'sk-secret' } }, 'run_child'),
      event('tool.succeeded', { callId: 'c1', tool: 'http', durationMs: 5, replayed: true }, 'run_child'),
    ]);
    expect(text).not.toContain('run_other');
    expect(text).toContain('    [assistant] ▶ assistant run_child');
    expect(text).toContain('http {"token":"[redacted]"} · 5ms · ok (replayed)');
  });
});
