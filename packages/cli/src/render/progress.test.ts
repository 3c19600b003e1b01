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

function render(
  events: AnyAgentryEvent[],
  options: { modelText?: 'stream' | 'lines' | 'none'; checkpoints?: boolean } = {},
): string {
  const writer = new Collector(false);
  const view = new ProgressView({
    writer,
    style: createStyle(false),
    live: false,
    ...options,
    redact: (text) => text.replaceAll('sk-secret', '[redacted]'),
  });
  view.start();
  for (const item of events) view.handle(item);
  view.stop();
  return writer.text;
}

function progressEvents(): AnyAgentryEvent[] {
  return [
    event('run.started', { input: 'go', durable: true }),
    event('checkpoint.saved', { step: 0, bytes: 256, version: 1 }),
    event('model.responded', {
      step: 1,
      text: '',
      toolCalls: [{ id: 't1', name: 'read-file', input: {} }],
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      costUsd: 0,
      finishReason: 'tool-calls',
      durationMs: 1200,
    }),
    event('tool.requested', { callId: 'c1', tool: 'read-file', input: { path: 'notes.md' } }),
    event('tool.succeeded', {
      callId: 'c1',
      tool: 'read-file',
      output: 'ok',
      durationMs: 3,
      replayed: false,
    }),
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
  ];
}

describe('run progress', () => {
  it('prints one plain line per model call, tool call and (verbose) checkpoint; steps count from 1', () => {
    const text = render(progressEvents(), { checkpoints: true });
    const lines = text.trimEnd().split('\n');
    expect(lines).toEqual([
      '▶ assistant run_1 (durable)',
      '  ◆ checkpoint at the start (256 bytes)',
      '  model step 1 · 1 tool call · 15 tokens · 1.2s',
      '  tool  read-file {"path":"notes.md"} · 3ms · ok',
      '  ◆ checkpoint after step 1 (512 bytes)',
      '  tool  write-file {"path":"out.md"} · needs approval',
      '  tool  http · 20.0s · failed: took too long',
    ]);
    expect(text).not.toContain('\u001b[');
  });

  it('leaves checkpoint marks out unless asked for (--verbose)', () => {
    const text = render(progressEvents());
    expect(text).not.toContain('checkpoint');
    expect(text).toContain('  model step 1 · 1 tool call · 15 tokens · 1.2s\n  tool  read-file');
  });

  it('ignores other runs, indents child runs, and redacts', () => {
    const text = render([
      event('run.started', { input: 'go', durable: false }, 'run_main'),
      event('run.started', { input: 'other', durable: false }, 'run_other'),
      event('run.started', { input: 'child', durable: false, parentRunId: 'run_main' }, 'run_child'),
      event('tool.requested', { callId: 'c1', tool: 'http', input: { token: 'sk-secret' } }, 'run_child'),
      event(
        'tool.succeeded',
        { callId: 'c1', tool: 'http', output: 'ok', durationMs: 5, replayed: true },
        'run_child',
      ),
    ]);
    expect(text).not.toContain('run_other');
    expect(text).toContain('    [assistant] ▶ assistant run_child');
    expect(text).toContain('http {"token":"[redacted]"} · 5ms · ok (replayed)');
  });
});

function responded(step: number, text: string, tools: string[] = []): AnyAgentryEvent {
  return event('model.responded', {
    step,
    text,
    toolCalls: tools.map((name, index) => ({ id: `t${index}`, name, input: {} })),
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    costUsd: 0,
    finishReason: tools.length > 0 ? 'tool-calls' : 'stop',
    durationMs: 5,
  });
}

describe('resumed runs', () => {
  it('say where they continue by the steps already done', () => {
    const text = render([
      event('run.started', { input: 'go', durable: true }),
      event('run.resumed', { attempt: 1, fromStep: 3, reason: 'decision' }),
      event('run.resumed', { attempt: 2, fromStep: 0, reason: 'recovery' }),
    ]);
    expect(text).toContain('▶ resumed after step 3 (decision)');
    expect(text).toContain('▶ resumed at the start (recovery)');
  });
});

describe('streamed model text', () => {
  const events = () => [
    event('run.started', { input: 'go', durable: true }),
    event('model.delta', { step: 1, text: 'Let me ' }),
    event('model.delta', { step: 1, text: 'look.\nThen write sk-secret.' }),
    responded(1, 'Let me look.', ['read-file']),
    event('checkpoint.saved', { step: 1, bytes: 64, version: 1 }),
    event('model.delta', { step: 2, text: 'Done.' }),
    event('run.started', { input: 'child', durable: false, parentRunId: 'run_1' }, 'run_child'),
    event('model.delta', { step: 1, text: 'child text' }, 'run_child'),
    responded(2, 'Done.'),
  ];

  it('shows the text as it arrives under a head per step, then the step summary', () => {
    const lines = render(events(), { modelText: 'stream', checkpoints: true }).trimEnd().split('\n');
    expect(lines).toEqual([
      '▶ assistant run_1 (durable)',
      '  model step 1 › Let me look.',
      '    Then write [redacted].',
      '  model step 1 · 1 tool call · 15 tokens · 5ms',
      '  ◆ checkpoint after step 1 (64 bytes)',
      '  model step 2 › Done.',
      '    [assistant] ▶ assistant run_child',
      '      model step 1 › child text',
      '  model step 2 · stop · 15 tokens · 5ms',
    ]);
  });

  it('shows each whole response text as plain lines when not streaming (pipes, CI logs)', () => {
    const lines = render(events()).trimEnd().split('\n');
    expect(lines).toEqual([
      '▶ assistant run_1 (durable)',
      '  model step 1 › Let me look.',
      '  model step 1 · 1 tool call · 15 tokens · 5ms',
      '    [assistant] ▶ assistant run_child',
      '  model step 2 › Done.',
      '  model step 2 · stop · 15 tokens · 5ms',
    ]);
  });

  it('leaves the text out with modelText none', () => {
    const text = render(events(), { modelText: 'none' });
    expect(text).not.toContain('›');
    expect(text).toContain('  model step 2 · stop · 15 tokens · 5ms');
  });
});
