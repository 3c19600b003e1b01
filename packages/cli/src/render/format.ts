/** Short human formats: durations, token counts, costs, one-line JSON. */
import type { RunUsage } from '@agentry/core';

/** `850ms`, `1.2s`, `2m05s`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)}s`;
  const minutes = Math.floor(milliseconds / 60_000);
  const seconds = Math.round((milliseconds % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** `$0.0123` (four decimals under a dollar). */
export function formatCost(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** One-line JSON cut to `limit` characters. */
export function shortJson(value: unknown, limit = 60): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** `1,234 tokens (1,000 in / 234 out) · $0.0012 · 2 model calls · 3 tool calls · 1.8s`. */
export function formatUsage(usage: RunUsage): string {
  const number = (value: number) => value.toLocaleString('en-US');
  return [
    `${number(usage.totalTokens)} tokens (${number(usage.inputTokens)} in / ${number(usage.outputTokens)} out)`,
    formatCost(usage.costUsd),
    `${usage.modelCalls} model call${usage.modelCalls === 1 ? '' : 's'}`,
    `${usage.toolCalls} tool call${usage.toolCalls === 1 ? '' : 's'}`,
    formatDuration(usage.durationMs),
  ].join(' · ');
}

/** A shell-safe single-quoted argument. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Where a run stands by the steps it has done (the `step` of `checkpoint.saved` and the `fromStep` of
 * `run.resumed`): `after step 3`, or `at the start` before the first model call. Steps count from 1.
 */
export function afterSteps(modelCalls: number): string {
  return modelCalls === 0 ? 'at the start' : `after step ${modelCalls}`;
}
