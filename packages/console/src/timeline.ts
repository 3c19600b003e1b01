/**
 * Turns a run's events into what the run page shows: segments (the first start, then each resume),
 * each with its model steps, and each step with its tool calls, their approvals and outcomes. Pure and
 * incremental: `applyEvent` folds one more event in, so a streaming run never re-reads its history.
 */
import type { RunEvent } from './api';

export type CallStatus =
  | 'requested'
  | 'awaiting'
  | 'approved'
  | 'denied'
  | 'running'
  | 'succeeded'
  | 'failed';

export interface CallView {
  callId: string;
  tool: string;
  input: unknown;
  status: CallStatus;
  /** The human decision on it, when it needed one. */
  decision?: 'approved' | 'denied';
  /** Why it was denied, or how it failed. */
  note?: string;
  edited?: boolean;
  sticky?: boolean;
  durationMs?: number;
  replayed?: boolean;
  /** What the tool returned (redacted by the runtime, cut to 4 KiB of JSON text). */
  output?: unknown;
}

/** Input sent into the run (`runtime.send`, the console's "Send input") that reached its pattern. */
export interface InputView {
  seq: number;
  text: string;
  time: string;
}

export interface StepView {
  step: number;
  /** Inputs sent into the run that the model received first in this step. */
  inputs: InputView[];
  text: string;
  inputTokens: number;
  outputTokens: number;
  modelMs: number;
  /** What the step's model calls cost in USD (0 when the model has no pricing). */
  costUsd: number;
  finishReason?: string;
  modelError?: string;
  calls: CallView[];
  checkpoints: number;
}

export interface SegmentView {
  index: number;
  /** `start`, or why the run was resumed (`decision`, `retry`, `recovery`). */
  cause: string;
  time: string;
  /** The process that drove this segment (the run lease owner), when the run is durable. */
  worker?: string;
  steps: StepView[];
  /** Inputs received since the last step started: they belong to the next step (or stay here if none). */
  inputs: InputView[];
  /** The event that ended the segment (suspended, completed, failed, cancelled). */
  end?: { type: string; time: string; detail: string };
}

export interface Timeline {
  segments: SegmentView[];
  lastSeq: number;
  /** Where each call lives, to update it when a later event (an approval) names it. */
  calls: Map<string, CallView>;
}

export const emptyTimeline = (): Timeline => ({ segments: [], lastSeq: 0, calls: new Map() });

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

function currentSegment(timeline: Timeline, event: RunEvent): SegmentView {
  let segment = timeline.segments.at(-1);
  if (!segment) {
    segment = { index: 0, cause: 'start', time: event.time, steps: [], inputs: [] };
    timeline.segments.push(segment);
  }
  return segment;
}

function stepOf(segment: SegmentView, step: number): StepView {
  let view = segment.steps.find((candidate) => candidate.step === step);
  if (!view) {
    view = {
      step,
      inputs: [],
      text: '',
      inputTokens: 0,
      outputTokens: 0,
      modelMs: 0,
      costUsd: 0,
      calls: [],
      checkpoints: 0,
    };
    segment.steps.push(view);
  }
  return view;
}

function endDetail(event: RunEvent): string {
  const data = event.data;
  switch (event.type) {
    case 'run.suspended': {
      const pending = Array.isArray(data.pending) ? (data.pending as { tool?: unknown }[]) : [];
      const tools = pending.map((call) => text(call.tool)).join(', ');
      return data.stopReason === 'awaiting_approval'
        ? `waiting for a decision on ${tools || 'a call'}`
        : `waiting: ${text(data.stopReason)}${tools ? ` (${tools})` : ''}`;
    }
    case 'run.failed':
      return text((data.error as { message?: unknown } | undefined)?.message);
    case 'run.cancelled':
      return text(data.reason);
    default:
      return text(data.output);
  }
}

/** Folds one event into the timeline (events at or below `lastSeq` are ignored). Mutates and returns it. */
export function applyEvent(timeline: Timeline, event: RunEvent): Timeline {
  if (event.seq <= timeline.lastSeq) return timeline;
  timeline.lastSeq = event.seq;
  const data = event.data;
  const call = timeline.calls.get(text(data.callId));
  switch (event.type) {
    case 'run.started':
    case 'run.resumed':
      timeline.segments.push({
        index: timeline.segments.length,
        cause: event.type === 'run.started' ? 'start' : text(data.reason),
        time: event.time,
        ...(text(data.worker) ? { worker: text(data.worker) } : {}),
        steps: [],
        inputs: [],
      });
      break;
    case 'run.suspended':
    case 'run.completed':
    case 'run.failed':
    case 'run.cancelled':
      currentSegment(timeline, event).end = { type: event.type, time: event.time, detail: endDetail(event) };
      break;
    case 'step.started': {
      const segment = currentSegment(timeline, event);
      stepOf(segment, num(data.step)).inputs.push(...segment.inputs.splice(0));
      break;
    }
    case 'run.input_received':
      currentSegment(timeline, event).inputs.push({
        seq: num(data.seq),
        text: text(data.text),
        time: event.time,
      });
      break;
    case 'model.responded': {
      const step = stepOf(currentSegment(timeline, event), num(data.step));
      const usage = (data.usage ?? {}) as { inputTokens?: unknown; outputTokens?: unknown };
      step.text += text(data.text);
      step.inputTokens += num(usage.inputTokens);
      step.outputTokens += num(usage.outputTokens);
      step.modelMs += num(data.durationMs);
      step.costUsd += num(data.costUsd);
      step.finishReason = text(data.finishReason);
      break;
    }
    case 'model.failed': {
      const step = stepOf(currentSegment(timeline, event), num(data.step));
      step.modelError = text((data.error as { message?: unknown } | undefined)?.message);
      break;
    }
    case 'checkpoint.saved': {
      const segment = currentSegment(timeline, event);
      const step = segment.steps.at(-1);
      if (step) step.checkpoints += 1;
      break;
    }
    case 'tool.requested': {
      const segment = currentSegment(timeline, event);
      const step = segment.steps.at(-1) ?? stepOf(segment, 0);
      const view: CallView = {
        callId: text(data.callId),
        tool: text(data.tool),
        input: data.input,
        status: 'requested',
      };
      step.calls.push(view);
      timeline.calls.set(view.callId, view);
      break;
    }
    case 'tool.approval_requested':
      if (call) call.status = 'awaiting';
      break;
    case 'tool.approved':
      if (call) {
        Object.assign(call, {
          status: 'approved',
          decision: 'approved',
          edited: data.edited === true,
          sticky: data.sticky === true,
        });
      }
      break;
    case 'tool.denied':
      if (call) Object.assign(call, { status: 'denied', decision: 'denied', note: text(data.reason) });
      break;
    case 'tool.started':
      if (call) call.status = 'running';
      break;
    case 'tool.succeeded':
      if (call)
        Object.assign(call, {
          status: 'succeeded',
          durationMs: num(data.durationMs),
          replayed: data.replayed === true,
          output: data.output,
        });
      break;
    case 'tool.failed':
      if (call) {
        const error = data.error as { message?: unknown } | undefined;
        Object.assign(call, {
          status: 'failed',
          durationMs: num(data.durationMs),
          note: text(error?.message),
        });
      }
      break;
    default:
      break;
  }
  return timeline;
}
