/** Hooks loaded through config (`hooks.before: [./hooks.ts#refuseSecrets]`) by the runtime tests. */

/** Vetoes any call whose input mentions "secret". */
export function refuseSecrets(payload: { input: unknown }): { veto: string } | undefined {
  return JSON.stringify(payload.input).includes('secret')
    ? { veto: 'inputs must not mention secrets' }
    : undefined;
}

/** Appends a marker to successful outputs. */
export function markOutputs(payload: { outcome: { ok: boolean; output?: unknown } }) {
  return payload.outcome.ok
    ? { ok: true as const, output: `${String(payload.outcome.output)} (checked)` }
    : undefined;
}
