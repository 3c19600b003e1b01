/** Reads a plan (a JSON list of steps) out of model text, tolerating code fences and surrounding prose. */

function stepText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'object' && value !== null) {
    for (const key of ['step', 'description', 'title', 'task']) {
      const text = (value as Record<string, unknown>)[key];
      if (typeof text === 'string' && text.trim() !== '') return text.trim();
    }
  }
  return undefined;
}

function fromJson(text: string): string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = Array.isArray(value) ? value : (value as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(list)) return undefined;
  const steps = list.map(stepText);
  return steps.length > 0 && steps.every((step) => step !== undefined) ? (steps as string[]) : undefined;
}

/**
 * The steps of a plan: a JSON array of strings (or of `{ step }` objects), or
 * `{ "steps": [...] }`, possibly inside a code fence or after some prose.
 * `undefined` when no non-empty plan can be read.
 */
export function parsePlan(text: string): string[] | undefined {
  const trimmed = text.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(trimmed)?.[1];
  const first = trimmed.indexOf('[');
  const last = trimmed.lastIndexOf(']');
  const candidates = [
    trimmed,
    fenced,
    first >= 0 && last > first ? trimmed.slice(first, last + 1) : undefined,
  ];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const steps = fromJson(candidate.trim());
    if (steps) return steps;
  }
  return undefined;
}
