/** The step view of a stored run (`agentry runs show --steps`, and `steps` in `--json`), built from its events. */
import type { AnyAgentryEvent, JsonValue, TokenUsage } from '@agentry/core';
import { formatCost, formatDuration, shortJson } from './format.js';
import type { Style } from './style.js';

/** One tool call of a step, as its events tell it. */
export interface StepToolCall {
  callId: string;
  tool: string;
  input: JsonValue;
  /** `pending` while it waits for a decision; `requested` when the run stopped before it settled. */
  status: 'requested' | 'pending' | 'succeeded' | 'failed' | 'denied';
  /** The decision, when the call needed one: `approved` (also `edited`), or `denied` with its reason. */
  approval?: { decision: 'approved' | 'denied'; edited?: boolean; reason?: string };
  /** The output (redacted, cut at 4 KiB with a marker), when it succeeded. */
  output?: JsonValue;
  error?: { code: string; message: string };
  durationMs?: number;
  replayed?: boolean;
}

/** One step: a model response and the tool calls it asked for. Steps are numbered from 1. */
export interface RunStep {
  step: number;
  text: string;
  finishReason: string;
  usage: TokenUsage;
  costUsd: number;
  /** The model call's duration. */
  modelDurationMs: number;
  /** From `step.started` to the step's last event. */
  durationMs: number;
  toolCalls: StepToolCall[];
}

/** Groups a run's events into steps: tool events belong to the step whose model response came before them. */
export function runSteps(events: readonly AnyAgentryEvent[]): RunStep[] {
  const steps: RunStep[] = [];
  const calls = new Map<string, StepToolCall>();
  let started: { step: number; time: number } | undefined;
  let current: RunStep | undefined;
  const touch = (event: AnyAgentryEvent) => {
    if (current !== undefined && started !== undefined && started.step === current.step)
      current.durationMs = Math.max(0, Date.parse(event.time) - started.time);
  };
  const callOf = (callId: string, tool: string, input: JsonValue = null): StepToolCall => {
    let call = calls.get(callId);
    if (call === undefined) {
      call = { callId, tool, input, status: 'requested' };
      calls.set(callId, call);
      current?.toolCalls.push(call);
    }
    return call;
  };
  for (const event of events) {
    switch (event.type) {
      case 'step.started':
        started = { step: event.data.step, time: Date.parse(event.time) };
        break;
      case 'model.responded':
        current = {
          step: event.data.step,
          text: event.data.text,
          finishReason: event.data.finishReason,
          usage: event.data.usage,
          costUsd: event.data.costUsd ?? 0,
          modelDurationMs: event.data.durationMs,
          durationMs: event.data.durationMs,
          toolCalls: [],
        };
        steps.push(current);
        break;
      case 'tool.requested':
        callOf(event.data.callId, event.data.tool, event.data.input);
        break;
      case 'tool.approval_requested':
        callOf(event.data.callId, event.data.tool, event.data.input).status = 'pending';
        break;
      case 'tool.approved': {
        const call = callOf(event.data.callId, event.data.tool);
        call.approval = { decision: 'approved', ...(event.data.edited ? { edited: true } : {}) };
        call.status = 'requested';
        break;
      }
      case 'tool.denied': {
        const call = callOf(event.data.callId, event.data.tool);
        call.approval = { decision: 'denied', reason: event.data.reason };
        call.status = 'denied';
        break;
      }
      case 'tool.succeeded': {
        const call = callOf(event.data.callId, event.data.tool);
        Object.assign(call, {
          status: 'succeeded',
          output: event.data.output ?? null,
          durationMs: event.data.durationMs,
        });
        if (event.data.replayed) call.replayed = true;
        break;
      }
      case 'tool.failed': {
        const call = callOf(event.data.callId, event.data.tool);
        if (call.status === 'denied') break;
        call.status = 'failed';
        call.error = { code: event.data.error.code, message: event.data.error.message };
        call.durationMs = event.data.durationMs;
        break;
      }
      default:
        break;
    }
    touch(event);
  }
  return steps;
}

/** The steps as indented human lines. */
export function formatSteps(steps: readonly RunStep[], style: Style): string[] {
  const lines: string[] = [];
  for (const step of steps) {
    const calls = step.toolCalls.length;
    const what = calls > 0 ? `${calls} tool call${calls === 1 ? '' : 's'}` : step.finishReason;
    lines.push(
      `  ${style.bold(`step ${step.step}`)} · ${what} · ${step.usage.totalTokens} tokens · ${formatCost(step.costUsd)} · ${formatDuration(step.durationMs)}`,
    );
    if (step.text.trim() !== '')
      lines.push(`    ${style.cyan('model')} › ${step.text.trim().replaceAll('\n', '\n      ')}`);
    for (const call of step.toolCalls) {
      const head = `    ${style.magenta('tool')}  ${call.tool} ${style.dim(shortJson(call.input))}`;
      const decided =
        call.approval?.decision === 'approved'
          ? ` · ${style.green(`approved${call.approval.edited ? ' (edited)' : ''}`)}`
          : '';
      const took = call.durationMs === undefined ? '' : ` · ${formatDuration(call.durationMs)}`;
      if (call.status === 'succeeded')
        lines.push(
          `${head}${decided}${took} · ${style.green(call.replayed ? 'ok (replayed)' : 'ok')} → ${shortJson(call.output, 100)}`,
        );
      else if (call.status === 'failed')
        lines.push(
          `${head}${decided}${took} · ${style.red(`failed: ${call.error?.message ?? ''}`)} ${style.dim(`[${call.error?.code}]`)}`,
        );
      else if (call.status === 'denied')
        lines.push(`${head} · ${style.yellow(`denied: ${call.approval?.reason ?? ''}`)}`);
      else if (call.status === 'pending') lines.push(`${head} · ${style.yellow('needs approval')}`);
      else lines.push(`${head}${decided} · ${style.dim('no outcome recorded')}`);
    }
  }
  return lines;
}
