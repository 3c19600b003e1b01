/** OtelEventBus: a run span with model-call and tool-call child spans, exported through the real OpenTelemetry SDK. */
import { describeEventBusConformance } from '@agentry/core/testing';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { busDeps, event, RUN_USAGE, recordingLogger } from './__fixtures__/bus-test-support.js';
import { OtelEventBus } from './otel-event-bus.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

afterEach(() => exporter.reset());

function at(second: number): string {
  return new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
}

function byName(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

describeEventBusConformance({
  name: 'otel',
  create: () => new OtelEventBus({ tracerProvider: provider, logger: recordingLogger() }),
});

describe('OtelEventBus', () => {
  it('records a run span with model and tool child spans, timed by the events', async () => {
    const bus = new OtelEventBus({ tracerProvider: provider });
    const run = { runId: 'run_otel_1' };
    await bus.publish(
      event('run.started', { input: 'secret question sk-123456', durable: true }, { ...run, time: at(0) }),
    );
    await bus.publish(event('step.started', { step: 1 }, { ...run, time: at(1) }));
    await bus.publish(event('model.requested', { step: 1, messages: 2, tools: 1 }, { ...run, time: at(1) }));
    await bus.publish(
      event(
        'model.responded',
        {
          step: 1,
          text: 'calling the tool',
          toolCalls: [{ id: 't1', name: 'calc', input: {} }],
          usage: { inputTokens: 11, outputTokens: 4, totalTokens: 15 },
          costUsd: 0,
          finishReason: 'tool-calls',
          durationMs: 1000,
        },
        { ...run, time: at(2) },
      ),
    );
    await bus.publish(
      event(
        'tool.requested',
        { callId: 'call_1', tool: 'calc', input: { token: 'sk-123456' } },
        { ...run, time: at(2) },
      ),
    );
    await bus.publish(event('tool.started', { callId: 'call_1', tool: 'calc' }, { ...run, time: at(2) }));
    await bus.publish(
      event(
        'tool.succeeded',
        { callId: 'call_1', tool: 'calc', output: 'ok', durationMs: 1000, replayed: false },
        { ...run, time: at(3) },
      ),
    );
    await bus.publish(
      event('run.completed', { output: 'the answer sk-123456', usage: RUN_USAGE }, { ...run, time: at(4) }),
    );

    const spans = exporter.getFinishedSpans();
    const [runSpan] = byName(spans, 'agentry.run');
    const [modelSpan] = byName(spans, 'agentry.model');
    const [toolSpan] = byName(spans, 'agentry.tool');
    expect(runSpan && modelSpan && toolSpan).toBeTruthy();
    if (!runSpan || !modelSpan || !toolSpan) return;
    expect(modelSpan.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
    expect(toolSpan.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
    expect(modelSpan.spanContext().traceId).toBe(runSpan.spanContext().traceId);
    expect(runSpan.attributes).toMatchObject({
      'agentry.run.id': 'run_otel_1',
      'agentry.agent.id': 'assistant',
      'agentry.run.status': 'completed',
      'gen_ai.usage.input_tokens': 30,
      'agentry.usage.tool_calls': 1,
    });
    expect(runSpan.status.code).toBe(SpanStatusCode.OK);
    expect(modelSpan.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.response.finish_reasons': ['tool-calls'],
    });
    expect(toolSpan.attributes).toMatchObject({
      'agentry.tool.name': 'calc',
      'agentry.tool.call_id': 'call_1',
    });
    expect(toolSpan.duration).toEqual([1, 0]);
    expect(runSpan.duration).toEqual([4, 0]);
    expect(runSpan.events.map((item) => item.name)).toEqual(['step.started', 'tool.requested']);
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.events]))).not.toContain('sk-123456');
  });

  it('marks failed model calls, failed tools and failed runs as errors', async () => {
    const bus = new OtelEventBus({ tracerProvider: provider });
    const run = { runId: 'run_otel_2' };
    const error = { code: 'model.rate_limited', message: 'slow down', retryable: true };
    await bus.publish(event('run.started', { input: 'x', durable: false }, run));
    await bus.publish(event('model.requested', { step: 1, messages: 1, tools: 0 }, run));
    await bus.publish(event('model.failed', { step: 1, error }, run));
    await bus.publish(
      event(
        'tool.failed',
        { callId: 'c9', tool: 'shell', error: { ...error, code: 'tool.timeout' }, durationMs: 5 },
        run,
      ),
    );
    await bus.publish(event('run.failed', { error, usage: RUN_USAGE }, run));
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => [span.name, span.status.code])).toEqual([
      ['agentry.model', SpanStatusCode.ERROR],
      ['agentry.tool', SpanStatusCode.ERROR],
      ['agentry.run', SpanStatusCode.ERROR],
    ]);
    expect(byName(spans, 'agentry.model')[0]?.attributes['error.type']).toBe('model.rate_limited');
  });

  it('ends spans of unfinished runs on close, and keeps runs apart', async () => {
    const bus = new OtelEventBus({ tracerProvider: provider });
    await bus.publish(event('run.started', { input: 'a', durable: false }, { runId: 'run_a' }));
    await bus.publish(event('run.resumed', { attempt: 1, fromStep: 2, reason: 'retry' }, { runId: 'run_b' }));
    await bus.publish(event('run.completed', { output: 'ok', usage: RUN_USAGE }, { runId: 'run_b' }));
    expect(exporter.getFinishedSpans().map((span) => span.attributes['agentry.run.id'])).toEqual(['run_b']);
    await bus.close();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.attributes['agentry.run.id'])).toEqual(['run_b', 'run_a']);
    expect(spans[1]?.attributes['agentry.run.unfinished']).toBe(true);
  });

  it('uses the global tracer provider when created from config, forwarding to the inner bus', async () => {
    trace.setGlobalTracerProvider(provider);
    try {
      const deps = busDeps();
      const bus = await OtelEventBus.plugin.create(OtelEventBus.plugin.configSchema.parse({}), deps);
      const seen: string[] = [];
      bus.onAny((item) => void seen.push(item.type));
      await bus.publish(event('run.started', { input: 'x', durable: false }, { runId: 'run_global' }));
      await bus.publish(
        event('run.cancelled', { reason: 'user', usage: RUN_USAGE }, { runId: 'run_global' }),
      );
      expect(seen).toEqual(['run.started', 'run.cancelled']);
      expect(exporter.getFinishedSpans().map((span) => span.attributes['agentry.run.status'])).toEqual([
        'cancelled',
      ]);
      expect(deps.loads[0]?.slot).toBe('mitt');
    } finally {
      trace.disable();
    }
  });
});
