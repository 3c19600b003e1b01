/** `otel` event bus: turns run events into OpenTelemetry spans (run → model calls, tool calls), then forwards them. */
import {
  type AgentryEvent,
  type AnyAgentryEvent,
  definePlugin,
  type EventBus,
  type EventType,
  type Logger,
} from '@agentry/core';
import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { z } from 'zod';
import { innerSlotSchema, loadInner, WrappingEventBus } from './wrapping-event-bus.js';

const configSchema = z
  .object({
    tracerName: z.string().min(1).default('agentry').describe('Name of the OpenTelemetry tracer'),
    inner: innerSlotSchema.optional(),
  })
  .strict()
  .describe(
    'Records runs as OpenTelemetry spans (global tracer provider) and forwards events to the inner bus',
  );

/** Options of `new OtelEventBus(...)`. */
export interface OtelEventBusOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  tracerName?: string;
  inner?: EventBus;
  logger?: Logger;
}

interface RunSpans {
  span: Span;
  models: Map<number, Span>;
  tools: Map<string, Span>;
}

const RUN_END = new Set<EventType>(['run.completed', 'run.failed', 'run.cancelled', 'run.suspended']);

function envelope(event: AnyAgentryEvent): Attributes {
  return {
    'agentry.run.id': event.runId,
    'agentry.session.id': event.sessionId,
    'agentry.agent.id': event.agentId,
  };
}

function usageAttributes(usage: {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}): Attributes {
  return {
    'gen_ai.usage.input_tokens': usage.inputTokens,
    'gen_ai.usage.output_tokens': usage.outputTokens,
    'agentry.usage.total_tokens': usage.totalTokens,
  };
}

/**
 * One span per run (`agentry.run`, from `run.started` or `run.resumed` to
 * completion, failure, cancellation or suspension), with a child span per
 * model call (`agentry.model`, requested → responded/failed) and per tool
 * call (`agentry.tool`, started → succeeded/failed). Span times are the
 * events' times. Other events become span events on the run span.
 * Attributes hold ids, names, counts, codes and usage — never inputs,
 * outputs or message text, so no secrets reach the exporter.
 *
 * @example
 * ```yaml
 * events: { type: otel, config: { tracerName: my-service } }
 * ```
 */
export class OtelEventBus extends WrappingEventBus {
  static readonly plugin = definePlugin({
    kind: 'event-bus',
    name: 'otel',
    description: 'OpenTelemetry spans for runs, model calls and tool calls',
    configSchema,
    create: async (config, deps) =>
      new OtelEventBus({
        tracerName: config.tracerName,
        logger: deps.logger,
        inner: await loadInner(deps, config.inner),
      }),
  });

  readonly name = 'otel';
  readonly #tracer: Tracer;
  readonly #runs = new Map<string, RunSpans>();

  constructor(options: OtelEventBusOptions = {}) {
    super(options);
    const provider = options.tracerProvider ?? trace.getTracerProvider();
    this.#tracer = provider.getTracer(options.tracerName ?? 'agentry');
  }

  protected override record(event: AnyAgentryEvent): void {
    const time = new Date(event.time);
    const run = this.#run(event, time);
    switch (event.type) {
      case 'run.started':
      case 'run.resumed':
        return;
      case 'model.requested': {
        const span = this.#child(run, 'agentry.model', time, SpanKind.CLIENT, {
          'agentry.step': event.data.step,
          'agentry.model.messages': event.data.messages,
          'agentry.model.tools': event.data.tools,
        });
        run.models.set(event.data.step, span);
        return;
      }
      case 'model.responded':
      case 'model.failed': {
        const span = run.models.get(event.data.step);
        if (span === undefined) return;
        run.models.delete(event.data.step);
        if (event.type === 'model.responded') {
          span.setAttributes({
            ...usageAttributes(event.data.usage),
            'gen_ai.response.finish_reasons': [event.data.finishReason],
            'agentry.model.tool_calls': event.data.toolCalls.length,
          });
        } else this.#fail(span, event.data.error);
        span.end(time);
        return;
      }
      case 'tool.started': {
        const span = this.#child(run, 'agentry.tool', time, SpanKind.INTERNAL, {
          'agentry.tool.name': event.data.tool,
          'agentry.tool.call_id': event.data.callId,
        });
        run.tools.set(event.data.callId, span);
        return;
      }
      case 'tool.succeeded':
      case 'tool.failed': {
        // A replayed result has no `tool.started`: record it as an instant span.
        const span =
          run.tools.get(event.data.callId) ??
          this.#child(run, 'agentry.tool', time, SpanKind.INTERNAL, {
            'agentry.tool.name': event.data.tool,
            'agentry.tool.call_id': event.data.callId,
          });
        run.tools.delete(event.data.callId);
        span.setAttribute('agentry.tool.duration_ms', event.data.durationMs);
        if (event.type === 'tool.succeeded') span.setAttribute('agentry.tool.replayed', event.data.replayed);
        else this.#fail(span, event.data.error);
        span.end(time);
        return;
      }
      default:
        break;
    }
    if (RUN_END.has(event.type)) {
      this.#endRun(event, run, time);
      return;
    }
    run.span.addEvent(event.type, this.#eventAttributes(event), time);
  }

  protected override async release(): Promise<void> {
    const now = new Date();
    for (const run of this.#runs.values()) {
      for (const span of [...run.models.values(), ...run.tools.values()]) span.end(now);
      run.span.setAttribute('agentry.run.unfinished', true);
      run.span.end(now);
    }
    this.#runs.clear();
  }

  #run(event: AnyAgentryEvent, time: Date): RunSpans {
    let run = this.#runs.get(event.runId);
    if (run === undefined) {
      const attributes: Attributes = { ...envelope(event) };
      if (event.type === 'run.started') {
        attributes['agentry.run.durable'] = event.data.durable;
        if (event.data.parentRunId !== undefined)
          attributes['agentry.run.parent_id'] = event.data.parentRunId;
      }
      if (event.type === 'run.resumed') {
        attributes['agentry.run.resume_attempt'] = event.data.attempt;
        attributes['agentry.run.resume_reason'] = event.data.reason;
      }
      const span = this.#tracer.startSpan('agentry.run', {
        kind: SpanKind.INTERNAL,
        startTime: time,
        attributes,
      });
      run = { span, models: new Map(), tools: new Map() };
      this.#runs.set(event.runId, run);
    }
    return run;
  }

  #child(run: RunSpans, name: string, time: Date, kind: SpanKind, attributes: Attributes): Span {
    const parent = trace.setSpan(context.active(), run.span);
    return this.#tracer.startSpan(name, { kind, startTime: time, attributes }, parent);
  }

  #fail(span: Span, error: { code: string; retryable: boolean }): void {
    span.setAttributes({ 'error.type': error.code, 'agentry.error.retryable': error.retryable });
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
  }

  #endRun(event: AnyAgentryEvent, run: RunSpans, time: Date): void {
    const span = run.span;
    span.setAttribute('agentry.run.status', event.type.slice(4));
    if (event.type === 'run.completed' || event.type === 'run.failed' || event.type === 'run.cancelled') {
      const usage = (event as AgentryEvent<'run.completed'>).data.usage;
      span.setAttributes({
        ...usageAttributes(usage),
        'agentry.usage.model_calls': usage.modelCalls,
        'agentry.usage.tool_calls': usage.toolCalls,
        'agentry.usage.cost_usd': usage.costUsd,
      });
    }
    if (event.type === 'run.failed') this.#fail(span, event.data.error);
    else if (event.type === 'run.suspended')
      span.setAttribute('agentry.run.stop_reason', event.data.stopReason);
    else span.setStatus({ code: SpanStatusCode.OK });
    for (const open of [...run.models.values(), ...run.tools.values()]) open.end(time);
    span.end(time);
    this.#runs.delete(event.runId);
  }

  /** Span-event attributes: numbers, names and codes only. */
  #eventAttributes(event: AnyAgentryEvent): Attributes {
    const attributes: Attributes = { 'agentry.seq': event.seq };
    for (const [key, value] of Object.entries(event.data as Record<string, unknown>)) {
      if (key === 'input' || key === 'output' || key === 'text' || key === 'message') continue;
      if (typeof value === 'number' || typeof value === 'boolean') attributes[`agentry.${key}`] = value;
      else if (
        typeof value === 'string' &&
        /^(tool|callId|memory|limit|phase|status|eventType|stopReason)$/.test(key)
      ) {
        attributes[`agentry.${key}`] = value;
      }
    }
    return attributes;
  }
}
