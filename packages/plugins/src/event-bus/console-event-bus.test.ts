/** ConsoleEventBus: one readable line per event, colours only on a TTY without NO_COLOR, forwarding to the inner bus. */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventBusConformance } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import {
  busDeps,
  event,
  RUN_USAGE,
  recordingLogger,
  simpleRedactor,
} from './__fixtures__/bus-test-support.js';
import { ConsoleEventBus, type ConsoleOutput } from './console-event-bus.js';
import { NdjsonFileEventBus } from './ndjson-file-event-bus.js';
import { OtelEventBus } from './otel-event-bus.js';

function output(isTTY: boolean): ConsoleOutput & { text: () => string; lines: () => string[] } {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (text: string) => chunks.push(text),
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean),
  };
}

const ESC = '\u001b[';

describeEventBusConformance({
  name: 'console',
  create: () => new ConsoleEventBus({ output: output(false), logger: recordingLogger() }),
});

describeEventBusConformance({
  name: 'console → ndjson-file → otel → mitt (composed wrappers)',
  create: () =>
    new ConsoleEventBus({
      output: output(false),
      inner: new NdjsonFileEventBus({
        path: join(tmpdir(), `agentry-composed-${process.pid}`, '{runId}.ndjson'),
        inner: new OtelEventBus({ logger: recordingLogger() }),
      }),
    }),
  destroy: () => rm(join(tmpdir(), `agentry-composed-${process.pid}`), { recursive: true, force: true }),
});

describe('ConsoleEventBus', () => {
  it('prints one line per event: time, short run id, type and key data', async () => {
    const sink = output(false);
    const bus = new ConsoleEventBus({ output: sink });
    await bus.publish(event('run.started', { input: 'List the files', durable: true }));
    await bus.publish(
      event('model.responded', {
        step: 1,
        text: '',
        toolCalls: [{ id: 'c1', name: 'list-files', input: {} }],
        usage: { inputTokens: 120, outputTokens: 14, totalTokens: 134 },
        costUsd: 0,
        finishReason: 'tool-calls',
        durationMs: 412,
      }),
    );
    await bus.publish(
      event('tool.failed', {
        callId: 'call_1',
        tool: 'shell',
        error: { code: 'tool.timeout', message: 'slow', retryable: true },
        durationMs: 20000,
      }),
    );
    await bus.publish(event('run.completed', { output: 'Three files', usage: RUN_USAGE }));
    expect(sink.lines()).toEqual([
      '03:04:05.678 abcdef12 run.started input="List the files" durable',
      '03:04:05.678 abcdef12 model.responded step=1 tokens=120/14 finish=tool-calls calls=list-files 412ms',
      '03:04:05.678 abcdef12 tool.failed tool=shell call=call_1 error=tool.timeout 20000ms',
      '03:04:05.678 abcdef12 run.completed output="Three files" tokens=30/12 1500ms',
    ]);
    expect(sink.text()).not.toContain(ESC);
  });

  it('colours on a TTY, but not with NO_COLOR or color: never', async () => {
    const tty = output(true);
    await new ConsoleEventBus({ output: tty, env: {} }).publish(event('step.started', { step: 1 }));
    expect(tty.text()).toContain(ESC);
    const noColor = output(true);
    await new ConsoleEventBus({ output: noColor, env: { NO_COLOR: '1' } }).publish(
      event('step.started', { step: 1 }),
    );
    expect(noColor.text()).not.toContain(ESC);
    const never = output(true);
    await new ConsoleEventBus({ output: never, color: 'never', env: {} }).publish(
      event('step.started', { step: 1 }),
    );
    expect(never.text()).not.toContain(ESC);
    const always = output(false);
    await new ConsoleEventBus({ output: always, color: 'always', env: {} }).publish(
      event('step.started', { step: 1 }),
    );
    expect(always.text()).toContain(ESC);
  });

  it('skips streamed deltas by default and honours include/exclude', async () => {
    const sink = output(false);
    const bus = new ConsoleEventBus({ output: sink });
    await bus.publish(event('model.delta', { step: 1, text: 'tok' }));
    await bus.publish(event('step.started', { step: 1 }));
    expect(sink.lines()).toHaveLength(1);
    const onlyTools = output(false);
    const filtered = new ConsoleEventBus({ output: onlyTools, include: ['tool.*'], exclude: [] });
    await filtered.publish(event('step.started', { step: 1 }));
    await filtered.publish(event('tool.started', { callId: 'c', tool: 'calc' }));
    expect(onlyTools.lines()).toEqual(['03:04:05.678 abcdef12 tool.started tool=calc call=c']);
  });

  it('redacts secrets from lines and forwards to the inner bus loaded from config', async () => {
    const redactor = simpleRedactor();
    redactor.addSecret('tok-secret-value');
    const deps = busDeps({ redactor });
    const bus = await ConsoleEventBus.plugin.create(ConsoleEventBus.plugin.configSchema.parse({}), deps);
    expect(deps.loads[0]?.slot).toBe('mitt');
    const seen: number[] = [];
    bus.onAny((item) => void seen.push(item.seq));
    const written: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((text: string) => written.push(text) > 0) as typeof process.stderr.write;
    try {
      await bus.publish(event('run.started', { input: 'my tok-secret-value', durable: false }, { seq: 77 }));
    } finally {
      process.stderr.write = original;
    }
    expect(seen).toEqual([77]);
    expect(written.join('')).toContain('[redacted]');
    expect(written.join('')).not.toContain('tok-secret-value');
  });
});
