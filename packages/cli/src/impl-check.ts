/** Every `impl` and hook specifier of a config with its key path, for the checks of `agentry validate`. */

/** One specifier in the config and the key path of its value. */
export interface ImplReference {
  impl: string;
  path: (string | number)[];
}

const AGENT_SLOTS = ['pattern', 'memory', 'context', 'toolExecutor', 'tools'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `impl` of a slot, or of each slot of a list. */
function slotImpls(value: unknown, at: (string | number)[]): ImplReference[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => slotImpls(item, [...at, index]));
  if (isRecord(value) && typeof value.impl === 'string') return [{ impl: value.impl, path: [...at, 'impl'] }];
  return [];
}

/** Every `impl` (runtime, store, events, models, agent slots and tools) and hook specifier of `config`. */
export function implReferences(config: unknown): ImplReference[] {
  if (!isRecord(config)) return [];
  const found: ImplReference[] = [];
  for (const key of ['runtime', 'store', 'events']) found.push(...slotImpls(config[key], [key]));
  for (const [name, model] of Object.entries(isRecord(config.models) ? config.models : {})) {
    found.push(...slotImpls(model, ['models', name]));
  }
  for (const [name, agent] of Object.entries(isRecord(config.agents) ? config.agents : {})) {
    if (!isRecord(agent)) continue;
    for (const slot of AGENT_SLOTS) found.push(...slotImpls(agent[slot], ['agents', name, slot]));
    const hooks = isRecord(agent.hooks) ? agent.hooks : {};
    for (const phase of ['before', 'after']) {
      const list = hooks[phase];
      if (!Array.isArray(list)) continue;
      list.forEach((impl, index) => {
        if (typeof impl === 'string') found.push({ impl, path: ['agents', name, 'hooks', phase, index] });
      });
    }
  }
  return found;
}
