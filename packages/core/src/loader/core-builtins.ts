/**
 * Core's builtin plugins by export name. The loader takes a builtin such as `store: memory`
 * (`@agentry/core#MemoryStore`) from here: no module resolution or `import()` of core while it is loaded.
 */
import { DefaultToolExecutor } from '../defaults/default-tool-executor.js';
import { LocalQueue } from '../defaults/local-queue.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { MittEventBus } from '../defaults/mitt-event-bus.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { ToolLoopPattern } from '../defaults/tool-loop-pattern.js';
import { TranscriptContextAssembler } from '../defaults/transcript-context-assembler.js';

const CORE_IMPL = '@agentry/core#';

/**
 * The export a core builtin's impl (`@agentry/core#<Name>`) names, or undefined for any other impl (those are
 * imported). `runtime: default` is not here: `createRuntime` builds `DefaultRuntime` itself.
 */
export function coreBuiltinExport(impl: string): unknown {
  if (!impl.startsWith(CORE_IMPL)) return undefined;
  switch (impl.slice(CORE_IMPL.length)) {
    case 'DefaultToolExecutor':
      return DefaultToolExecutor;
    case 'LocalQueue':
      return LocalQueue;
    case 'MemoryStore':
      return MemoryStore;
    case 'MittEventBus':
      return MittEventBus;
    case 'ScriptedModel':
      return ScriptedModel;
    case 'ToolLoopPattern':
      return ToolLoopPattern;
    case 'TranscriptContextAssembler':
      return TranscriptContextAssembler;
    default:
      return undefined;
  }
}
