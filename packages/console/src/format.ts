/** How numbers, times and money read in the console. */

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const tokens = (count: number): string =>
  count >= 10_000 ? `${(count / 1000).toFixed(1)}k` : String(count);

export const cost = (usd: number): string =>
  usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;

export function when(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2) ?? 'undefined';

export const shortId = (id: string): string => (id.length > 12 ? `${id.slice(0, 8)}…` : id);
