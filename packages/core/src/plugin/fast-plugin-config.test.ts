import { describe, expect, it } from 'vitest';
import type { PluginDefinition } from '../contracts/plugin.js';
import { DefaultToolExecutor } from '../defaults/default-tool-executor.js';
import { LocalQueue } from '../defaults/local-queue.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { MittEventBus } from '../defaults/mitt-event-bus.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { ToolLoopPattern } from '../defaults/tool-loop-pattern.js';
import { TranscriptContextAssembler } from '../defaults/transcript-context-assembler.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { PluginLoader } from '../loader/plugin-loader.js';
import { DefaultRuntime } from '../runtime/default-runtime.js';
import { fastPluginConfig } from './fast-plugin-config.js';

const withoutOptions: PluginDefinition[] = [
  MemoryStore.plugin,
  MittEventBus.plugin,
  LocalQueue.plugin,
  TranscriptContextAssembler.plugin,
  ToolLoopPattern.plugin,
  DefaultToolExecutor.plugin,
  DefaultRuntime.plugin,
];

/** Configs each check meets: valid and invalid ones, plain and odd values. */
const samples: unknown[] = [
  {},
  Object.create(null),
  { unknown: 1 },
  { retention: false },
  { retention: { maxRuns: 5 } },
  { maxSteps: 3 },
  { concurrency: 2 },
  { maxSteps: undefined },
  [],
  null,
  'text',
  new Map(),
];

const script = [{ toolCalls: [{ tool: 'note', input: { value: 'a' } }] }, 'done'];
const scriptedSamples: unknown[] = [
  { script },
  { script: [] },
  { script: 'responses.yaml' },
  { script, model: 'm-1' },
  { script, record: true },
  { script, record: false, model: 'm' },
  { model: 'm', script },
  { script: '' },
  { script, model: '' },
  { script, model: 3 },
  { script, record: 'yes' },
  { script, pricing: { inputPerMillion: 1, outputPerMillion: 2 } },
  { script, unknown: true },
  { script: undefined },
  { script: 7 },
  {},
  [],
  null,
];

/** What the check answers, next to what the zod schema parses (`undefined` when the schema refuses). */
function compare(definition: PluginDefinition, raw: unknown) {
  const fast = fastPluginConfig(definition, raw);
  const parsed = definition.configSchema.safeParse(raw);
  return { fast, schema: parsed.success ? parsed.data : undefined };
}

describe('fast config checks of the builtin plugins', () => {
  it('give what the zod schema gives, key order included, or leave the config to it', () => {
    for (const [definitions, configs] of [
      [withoutOptions, samples],
      [[ScriptedModel.plugin], scriptedSamples],
    ] as const) {
      for (const definition of definitions) {
        for (const raw of configs) {
          const { fast, schema } = compare(definition, raw);
          if (fast === undefined) continue;
          expect(JSON.stringify(fast), `${definition.name} ${JSON.stringify(raw)}`).toBe(
            JSON.stringify(schema),
          );
          expect(fast).toEqual(schema);
        }
      }
    }
  });

  it('decide the plain configs a config file or createRuntime passes', () => {
    for (const definition of withoutOptions) expect(fastPluginConfig(definition, {})).toEqual({});
    expect(fastPluginConfig(ScriptedModel.plugin, { script })).toEqual({ script, record: false });
    expect(fastPluginConfig(ScriptedModel.plugin, { script: 'file.yaml', model: 'x' })).toEqual({
      script: 'file.yaml',
      model: 'x',
      record: false,
    });
  });

  it('leave every invalid config to the schema, whose message the loader reports unchanged', async () => {
    for (const raw of [{ script: '' }, { script, record: 'yes' }, { script, unknown: true }]) {
      expect(fastPluginConfig(ScriptedModel.plugin, raw)).toBeUndefined();
    }
    const loader = new PluginLoader({ baseDir: process.cwd() });
    const failure = await loader
      .load('model', { type: 'scripted', config: { script, recrd: true } }, ['models', 'm'])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isAgentryError(failure) && failure.code).toBe('plugin.config_invalid');
    expect((failure as Error).message).toContain('unknown key "recrd" (did you mean "record"?)');
    const store = await loader
      .load('store', { type: 'memory', config: { retention: { maxRuns: -1 } } }, ['store'])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isAgentryError(store) && store.code).toBe('plugin.config_invalid');
    expect((store as Error).message).toContain('store.config.retention');
  });

  it('creates the plugin from a fast-checked config as from a parsed one', async () => {
    const loader = new PluginLoader({ baseDir: process.cwd() });
    const model = await loader.load('model', { type: 'scripted', config: { script: ['hi'] } }, ['m']);
    expect(model.modelId).toBe('scripted');
    const store = await loader.load('store', 'memory', ['store']);
    expect(store.name).toBe('memory');
  });
});
