/** Test helpers: runtimes built with createRuntime from a config object, over the real in-process plugins. */
import type { Runtime } from '../../contracts/runtime.js';
import type { Tool } from '../../contracts/tool.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import type { ScriptItem } from '../../defaults/scripted-model-script.js';
import { type CreateRuntimeOptions, createRuntime } from '../create-runtime.js';

/** One agent `assistant` on a recording scripted model `demo`, configured like the YAML would. */
export async function configRuntime(
  script: readonly ScriptItem[],
  agent: Record<string, unknown> = {},
  options: Partial<CreateRuntimeOptions> & {
    tools?: readonly Tool[];
    pricing?: ScriptedModel['pricing'];
  } = {},
): Promise<{ runtime: Runtime; model: ScriptedModel }> {
  const model = new ScriptedModel({
    script,
    record: true,
    ...(options.pricing ? { pricing: options.pricing } : {}),
  });
  const runtime = await createRuntime({
    config: {
      version: 1,
      store: 'memory',
      events: 'mitt',
      agents: { assistant: { model: 'demo', instructions: 'You are a test agent.', ...agent } },
    },
    models: { demo: model },
    ...options,
  });
  return { runtime, model };
}
