/** Formats one event as a single human-readable line for the console bus (run id short, type, key data). */
import type { AnyAgentryEvent } from '@agentry/core';

const ANSI = {
  reset: '\u001b[0m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  magenta: '\u001b[35m',
  cyan: '\u001b[36m',
} as const;

/** Shortens a run id: without its `run_` prefix, at most 8 characters. */
export function shortRunId(runId: string): string {
  const bare = runId.startsWith('run_') ? runId.slice(4) : runId;
  return bare.length <= 8 ? bare : bare.slice(0, 8);
}

/** A string value on one line, quoted, cut at `max` characters. */
function quote(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

function tokens(usage: { inputTokens: number; outputTokens: number }): string {
  return `tokens=${usage.inputTokens}/${usage.outputTokens}`;
}

/** The key data of an event as `name=value` pairs. */
export function describeEvent(event: AnyAgentryEvent): string {
  switch (event.type) {
    case 'run.started':
      return `input=${quote(event.data.input)}${event.data.durable ? ' durable' : ''}`;
    case 'run.suspended':
      return `reason=${event.data.stopReason} pending=${event.data.pending.map((item) => item.tool).join(',') || '-'}`;
    case 'run.resumed':
      return `attempt=${event.data.attempt} from-step=${event.data.fromStep} reason=${event.data.reason}`;
    case 'run.completed':
      return `output=${quote(event.data.output)} ${tokens(event.data.usage)} ${event.data.usage.durationMs}ms`;
    case 'run.failed':
      return `error=${event.data.error.code} ${quote(event.data.error.message, 100)}`;
    case 'run.cancelled':
      return `reason=${quote(event.data.reason)}`;
    case 'step.started':
      return `step=${event.data.step}`;
    case 'step.completed':
      return `step=${event.data.step} tool-calls=${event.data.toolCalls}`;
    case 'model.requested':
      return `step=${event.data.step} messages=${event.data.messages} tools=${event.data.tools}`;
    case 'model.delta':
      return `step=${event.data.step} text=${quote(event.data.text)}`;
    case 'model.responded': {
      const calls = event.data.toolCalls.map((call) => call.name).join(',');
      return `step=${event.data.step} ${tokens(event.data.usage)} finish=${event.data.finishReason}${calls ? ` calls=${calls}` : ''} ${event.data.durationMs}ms`;
    }
    case 'model.failed':
      return `step=${event.data.step} error=${event.data.error.code}${event.data.error.retryable ? ' retryable' : ''}`;
    case 'tool.requested':
    case 'tool.started':
      return `tool=${event.data.tool} call=${event.data.callId}`;
    case 'tool.approval_requested':
      return `tool=${event.data.tool} call=${event.data.callId} awaiting approval`;
    case 'tool.approved':
      return `tool=${event.data.tool} call=${event.data.callId}${event.data.edited ? ' edited' : ''}${event.data.sticky ? ' sticky' : ''}`;
    case 'tool.denied':
      return `tool=${event.data.tool} call=${event.data.callId} reason=${quote(event.data.reason)}`;
    case 'tool.succeeded':
      return `tool=${event.data.tool} call=${event.data.callId} ${event.data.durationMs}ms${event.data.replayed ? ' replayed' : ''}`;
    case 'tool.failed':
      return `tool=${event.data.tool} call=${event.data.callId} error=${event.data.error.code} ${event.data.durationMs}ms`;
    case 'memory.injected':
      return `memory=${event.data.memory} messages=${event.data.messages}`;
    case 'memory.written':
      return `memory=${event.data.memory}`;
    case 'memory.failed':
      return `memory=${event.data.memory} phase=${event.data.phase} error=${event.data.error.code}`;
    case 'context.assembled':
      return `step=${event.data.step} kept=${event.data.kept} omitted=${event.data.omitted}`;
    case 'checkpoint.saved':
      return `step=${event.data.step} bytes=${event.data.bytes} version=${event.data.version}`;
    case 'budget.exceeded':
      return `limit=${event.data.limit} used=${event.data.used} max=${event.data.max}`;
    case 'subscriber.failed':
      return `event=${event.data.eventType} ${quote(event.data.message, 100)}`;
    default:
      return '';
  }
}

function typeColor(type: string): string {
  if (type.endsWith('.failed') || type === 'budget.exceeded' || type === 'tool.denied') return ANSI.red;
  if (type.endsWith('.completed') || type.endsWith('.succeeded') || type === 'tool.approved')
    return ANSI.green;
  if (type.startsWith('run.')) return ANSI.bold + ANSI.cyan;
  if (type.startsWith('model.')) return ANSI.magenta;
  if (type.startsWith('tool.')) return ANSI.yellow;
  return '';
}

/** One line (no trailing newline): `HH:MM:SS.mmm <run> <type> <key data>`, coloured when `color` is set. */
export function formatEventLine(event: AnyAgentryEvent, color: boolean): string {
  const time = event.time.length >= 23 ? event.time.slice(11, 23) : event.time;
  const run = shortRunId(event.runId);
  const detail = describeEvent(event);
  if (!color) return `${time} ${run} ${event.type}${detail ? ` ${detail}` : ''}`;
  const paint = typeColor(event.type);
  return `${ANSI.dim}${time} ${run}${ANSI.reset} ${paint}${event.type}${paint ? ANSI.reset : ''}${detail ? ` ${detail}` : ''}`;
}
