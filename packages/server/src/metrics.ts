/**
 * Prometheus metrics from the event bus: runs ended by status, model and tool latency histograms,
 * tokens and cost by agent, and runs by status and approvals waiting (`RunGauges`: counted from the
 * store once, then kept as runs change, so a scrape reads nothing from the store).
 */
import type { AnyAgentryEvent, Runtime } from '@agentry/core';
import { RunGauges } from './run-gauges.js';

const BUCKETS_MS = [5, 25, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();

  observe(labels: string, value: number): void {
    let entry = this.series.get(labels);
    if (!entry) {
      entry = { counts: BUCKETS_MS.map(() => 0), sum: 0, count: 0 };
      this.series.set(labels, entry);
    }
    for (let index = 0; index < BUCKETS_MS.length; index += 1) {
      if (value <= (BUCKETS_MS[index] as number)) entry.counts[index] = (entry.counts[index] as number) + 1;
    }
    entry.sum += value / 1000;
    entry.count += 1;
  }

  render(name: string, help: string): string[] {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    for (const [labels, entry] of this.series) {
      BUCKETS_MS.forEach((bound, index) => {
        lines.push(`${name}_bucket{${labels},le="${bound / 1000}"} ${entry.counts[index]}`);
      });
      lines.push(`${name}_bucket{${labels},le="+Inf"} ${entry.count}`);
      lines.push(`${name}_sum{${labels}} ${entry.sum}`);
      lines.push(`${name}_count{${labels}} ${entry.count}`);
    }
    return lines;
  }
}

const label = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Counts what the bus reports; one per server, attached to every runtime it serves. */
export class MetricsCollector {
  private readonly attached = new WeakSet<Runtime>();
  private readonly gauges = new WeakMap<Runtime, RunGauges>();
  private readonly ended = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly cost = new Map<string, number>();
  private readonly model = new Histogram();
  private readonly tool = new Histogram();

  attach(runtime: Runtime): void {
    if (this.attached.has(runtime)) return;
    this.attached.add(runtime);
    runtime.events.onAny((event) => this.record(event));
  }

  private add(map: Map<string, number>, key: string, amount: number): void {
    map.set(key, (map.get(key) ?? 0) + amount);
  }

  private record(event: AnyAgentryEvent): void {
    const agent = `agent="${label(event.agentId)}"`;
    switch (event.type) {
      case 'run.completed':
      case 'run.failed':
      case 'run.cancelled':
      case 'run.suspended': {
        this.add(this.ended, `${agent},status="${event.type.slice(4)}"`, 1);
        if (event.type !== 'run.suspended') this.add(this.cost, agent, event.data.usage.costUsd);
        break;
      }
      case 'model.responded':
        this.model.observe(agent, event.data.durationMs);
        this.add(this.tokens, `${agent},kind="input"`, event.data.usage.inputTokens);
        this.add(this.tokens, `${agent},kind="output"`, event.data.usage.outputTokens);
        break;
      case 'tool.succeeded':
      case 'tool.failed':
        this.tool.observe(`${agent},tool="${label(event.data.tool)}"`, event.data.durationMs);
        break;
      default:
        break;
    }
  }

  /** The Prometheus text exposition (version 0.0.4). */
  async render(runtime: Runtime): Promise<string> {
    let gauges = this.gauges.get(runtime);
    if (!gauges) {
      gauges = new RunGauges(runtime);
      this.gauges.set(runtime, gauges);
    }
    const runs = await gauges.read();
    const byStatus = new Map([...runs.byStatus].map(([status, count]) => [`status="${status}"`, count]));
    const waiting = runs.waiting;
    const counter = (name: string, help: string, type: 'counter' | 'gauge', map: Map<string, number>) => [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} ${type}`,
      ...[...map].map(([labels, value]) => `${name}{${labels}} ${value}`),
    ];
    return `${[
      ...counter('agentry_runs', 'Runs in the store by status', 'gauge', byStatus),
      '# HELP agentry_approvals_waiting Pending calls waiting for a decision',
      '# TYPE agentry_approvals_waiting gauge',
      `agentry_approvals_waiting ${waiting}`,
      ...counter(
        'agentry_run_segments_ended_total',
        'Run segments this server saw end, by agent and status',
        'counter',
        this.ended,
      ),
      ...counter('agentry_model_tokens_total', 'Model tokens by agent and kind', 'counter', this.tokens),
      ...counter('agentry_run_cost_usd_total', 'Cost of finished runs by agent (USD)', 'counter', this.cost),
      ...this.model.render('agentry_model_call_duration_seconds', 'Model call latency by agent'),
      ...this.tool.render('agentry_tool_call_duration_seconds', 'Tool call latency by agent and tool'),
    ].join('\n')}\n`;
  }
}
