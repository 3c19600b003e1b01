/** One human line per stored event, for `agentry events`. */
import type { AnyAgentryEvent } from '@agentry/core';
import { afterSteps, formatDuration, shortJson } from './format.js';
import type { Style } from './style.js';

/** `#12 12:00:01.123 tool.succeeded  read-file · 3ms`. */
export function formatEventLine(event: AnyAgentryEvent, style: Style): string {
  const time = event.time.length >= 23 ? event.time.slice(11, 23) : event.time;
  const head = `${style.dim(`#${String(event.seq).padStart(3)}`)} ${style.dim(time)} ${event.type.padEnd(24)}`;
  return `${head} ${describe(event)}`.trimEnd();
}

function describe(event: AnyAgentryEvent): string {
  switch (event.type) {
    case 'run.started':
      return shortJson(event.data.input, 80);
    case 'run.completed':
      return shortJson(event.data.output, 80);
    case 'run.failed':
      return `${event.data.error.code}: ${event.data.error.message}`;
    case 'run.cancelled':
      return event.data.reason;
    case 'run.suspended':
      return `${event.data.stopReason} · ${event.data.pending.map((call) => `${call.tool} ${call.callId}`).join(', ')}`;
    case 'run.resumed':
      return `${afterSteps(event.data.fromStep)} (${event.data.reason})`;
    case 'model.responded':
      return `step ${event.data.step} · ${event.data.toolCalls.map((call) => call.name).join(', ') || event.data.finishReason} · ${event.data.usage.totalTokens} tokens · ${formatDuration(event.data.durationMs)}`;
    case 'model.failed':
      return `${event.data.error.code}: ${event.data.error.message}`;
    case 'tool.requested':
    case 'tool.approval_requested':
      return `${event.data.tool} ${shortJson(event.data.input)}`;
    case 'tool.succeeded':
      return `${event.data.tool} · ${formatDuration(event.data.durationMs)}${event.data.replayed ? ' (replayed)' : ''}`;
    case 'tool.failed':
      return `${event.data.tool} · ${event.data.error.code}: ${event.data.error.message}`;
    case 'tool.denied':
      return `${event.data.tool} · ${event.data.reason}`;
    case 'tool.approved':
    case 'tool.started':
      return event.data.tool;
    case 'checkpoint.saved':
      return `${afterSteps(event.data.step)} · ${event.data.bytes} bytes`;
    case 'budget.exceeded':
      return `${event.data.limit}: ${event.data.used} of ${event.data.max}`;
    default:
      return shortJson(event.data, 80);
  }
}
