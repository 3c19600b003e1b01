/** Test support for the event-bus tests: plugin deps whose `load` builds real core buses, a redactor, a recording logger. */
import {
  type AnyAgentryEvent,
  type EventBus,
  type Logger,
  MittEventBus,
  type PluginDeps,
  type PluginKind,
  type PluginKindMap,
  type Redactor,
  type SlotConfig,
} from '@agentry/core';

/** A logger that keeps its warnings. */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (message) => void warnings.push(message),
    error: (message) => void warnings.push(message),
  };
}

/** A redactor that replaces registered secret values (enough for the buses' tests). */
export function simpleRedactor(): Redactor {
  const secrets = new Set<string>();
  const redactText = (text: string) => {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join('[redacted]');
    return result;
  };
  const copy = (value: unknown): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (Array.isArray(value)) return value.map(copy);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]));
    }
    return value;
  };
  return {
    addSecret: (value) => void secrets.add(value),
    redactText,
    redact: <T>(value: T) => copy(value) as T,
  };
}

/** Plugin deps for `Bus.plugin.create(config, deps)`; `load` records its calls and builds a `MittEventBus`. */
export function busDeps(
  overrides: Partial<Pick<PluginDeps, 'baseDir' | 'redactor'>> & { logger?: Logger } = {},
): PluginDeps & { loads: { slot: SlotConfig; path: readonly (string | number)[] }[]; loaded: EventBus[] } {
  const loads: { slot: SlotConfig; path: readonly (string | number)[] }[] = [];
  const loaded: EventBus[] = [];
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available in this test`);
  };
  return {
    loads,
    loaded,
    baseDir: overrides.baseDir ?? process.cwd(),
    logger: overrides.logger ?? recordingLogger(),
    clock: { now: () => Date.now() },
    ids: { next: (prefix) => `${prefix}_${Math.random().toString(36).slice(2)}` },
    redactor: overrides.redactor ?? simpleRedactor(),
    store: unavailable('store'),
    events: unavailable('events'),
    models: unavailable('models'),
    load: async <K extends PluginKind>(kind: K, slot: SlotConfig, path: readonly (string | number)[]) => {
      loads.push({ slot, path });
      if (kind !== 'event-bus') throw new Error(`unexpected nested ${kind}`);
      const bus = new MittEventBus();
      loaded.push(bus);
      return bus as unknown as PluginKindMap[K];
    },
  };
}

let seq = 0;

/** A full event envelope of a given run. */
export function event<T extends AnyAgentryEvent['type']>(
  type: T,
  data: Extract<AnyAgentryEvent, { type: T }>['data'],
  envelope: { runId?: string; seq?: number; time?: string } = {},
): AnyAgentryEvent {
  seq += 1;
  return {
    type,
    runId: envelope.runId ?? 'run_abcdef123456',
    sessionId: 'session_1',
    agentId: 'assistant',
    seq: envelope.seq ?? seq,
    time: envelope.time ?? '2026-01-02T03:04:05.678Z',
    data,
  } as AnyAgentryEvent;
}

/** Usage of a finished run, for terminal events. */
export const RUN_USAGE = {
  inputTokens: 30,
  outputTokens: 12,
  totalTokens: 42,
  costUsd: 0.001,
  modelCalls: 2,
  toolCalls: 1,
  durationMs: 1500,
};
