/** Source templates of `agentry new plugin` for the runtime kinds: store, model, event-bus, pattern, context, executor. */

/** A `store` over a Map with in-process leases, built on core's `KeyvStore` base. */
export function storeTemplate(name: string, exportName: string, className: string): string {
  return `/** The \`${name}\` store. Reference it from agentry.yaml: store: { impl: ./<this file>#${exportName} }. */
import { definePlugin, InProcessLeases, KeyvStore, type KeyvStoreConnection } from '@agentry/core/plugin';
import { z } from 'zod';

/**
 * Keeps every entry in one Map of this process; leases are exclusive within the process, and fenced
 * writes are refused once their run lease is lost.
 * KeyvStore does the JSON encoding, TTLs and error mapping: point \`adapter\` at any keyv adapter
 * (and \`leases\` at a shared backend) to keep the data somewhere else.
 */
export class ${className} extends KeyvStore {
  constructor() {
    super({
      name: '${name}',
      target: 'process memory',
      hint: 'Check the ${name} store.',
      operationTimeoutMs: 0,
    });
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    const map = new Map<string, unknown>();
    const leases = new InProcessLeases();
    return {
      adapter: map,
      leases,
      // A fenced write (durable runs) lands only while its run lease is held with that token: check and
      // write in one synchronous stretch, so nothing can take the lease in between. A shared backend does
      // the same in one transaction or script. KeyvStore's \`setBatch\` (a durable run's whole save, one
      // call) goes through here too: every entry of a fenced batch lands, or none.
      fencedWrite: async (fence, entries, options) => {
        if (!leases.holds(fence.lease, fence.token, options.now)) return false;
        for (const { key, entry } of entries) map.set(key, entry);
        return true;
      },
      async *listRaw(prefix: string) {
        for (const [key, raw] of map) if (key.startsWith(prefix)) yield [key, raw] as const;
      },
      close: async () => map.clear(),
    };
  }
}

export const ${exportName} = definePlugin({
  kind: 'store',
  name: '${name}',
  description: 'Keeps data and leases in process memory',
  configSchema: z.object({}).strict(),
  create: () => new ${className}(),
});
`;
}

/** A `model` that echoes the last user message, or plays a script of replies when given one. */
export function modelTemplate(name: string, exportName: string, className: string): string {
  return `/** The \`${name}\` model. Reference it from agentry.yaml: models: { <name>: { impl: ./<this file>#${exportName} } }. */
import {
  definePlugin,
  type Model,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
  ScriptedModel,
  type ScriptItem,
} from '@agentry/core';
import { z } from 'zod';

/** Answers with the text of the last user message; given a script, plays it instead (one item per call). */
export class ${className} implements Model {
  readonly kind = 'model' as const;
  readonly specVersion = 1 as const;
  readonly provider = '${name}';
  readonly modelId = '${name}-1';
  readonly #script: ScriptedModel | undefined;

  constructor(script?: ScriptItem[]) {
    this.#script = script === undefined ? undefined : new ScriptedModel({ script, model: this.modelId });
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    request.signal?.throwIfAborted();
    if (this.#script) return { ...(await this.#script.generate(request)), modelId: this.modelId };
    const last = [...request.messages].reverse().find((message) => message.role === 'user');
    const text = typeof last?.content === 'string' ? last.content : '';
    const inputTokens = Math.ceil(JSON.stringify(request.messages).length / 4);
    const outputTokens = Math.ceil(text.length / 4);
    return {
      text,
      toolCalls: [],
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      finishReason: 'stop',
      modelId: this.modelId,
    };
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const response = await this.generate(request);
    if (response.text !== '') yield { type: 'text-delta', text: response.text };
    for (const toolCall of response.toolCalls) yield { type: 'tool-call', toolCall };
    yield { type: 'finish', response };
  }
}

export const ${exportName} = definePlugin({
  kind: 'model',
  name: '${name}',
  description: 'Echoes the last user message',
  configSchema: z.object({}).strict(),
  create: () => new ${className}(),
});
`;
}

/** An `event-bus` wrapping core's in-process MittEventBus. */
export function eventBusTemplate(name: string, exportName: string, className: string): string {
  return `/** The \`${name}\` event bus. Reference it from agentry.yaml: events: [{ impl: ./<this file>#${exportName} }]. */
import {
  type AnyAgentryEvent,
  definePlugin,
  type EventBus,
  type EventHandler,
  type EventType,
  MittEventBus,
  type Unsubscribe,
} from '@agentry/core';
import { z } from 'zod';

/** Delivers events in process through core's mitt bus; add your forwarding in \`publish\`. */
export class ${className} implements EventBus {
  readonly kind = 'event-bus' as const;
  readonly specVersion = 1 as const;
  readonly name = '${name}';
  readonly #inner = new MittEventBus();

  async publish(event: AnyAgentryEvent): Promise<void> {
    // Forward the event elsewhere here (a queue, a log), then deliver it locally.
    await this.#inner.publish(event);
  }

  on<T extends EventType>(type: T, handler: EventHandler<T>): Unsubscribe {
    return this.#inner.on(type, handler);
  }

  onAny(handler: (event: AnyAgentryEvent) => void | Promise<void>): Unsubscribe {
    return this.#inner.onAny(handler);
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }
}

export const ${exportName} = definePlugin({
  kind: 'event-bus',
  name: '${name}',
  description: 'In-process event delivery',
  configSchema: z.object({}).strict(),
  create: () => new ${className}(),
});
`;
}

/** A `pattern` that is core's tool loop under its own name. */
export function patternTemplate(name: string, exportName: string, className: string): string {
  return `/** The \`${name}\` pattern. Reference it from agentry.yaml: pattern: { impl: ./<this file>#${exportName} }. */
import { definePlugin, ToolLoopPattern } from '@agentry/core';
import { z } from 'zod';

/**
 * Call the model, run the tools it asks for, repeat until it answers: core's tool loop.
 * Override \`start\`, \`step\` and \`restore\` to change the control flow; keep the state plain JSON.
 */
export class ${className} extends ToolLoopPattern {}

export const ${exportName} = definePlugin({
  kind: 'pattern',
  name: '${name}',
  description: 'Model and tools in a loop until the model answers',
  configSchema: z.object({}).strict(),
  create: () => new ${className}(),
});
`;
}

/** A `context-assembler` that keeps the last N messages (never orphaning a tool result). */
export function contextTemplate(name: string, exportName: string, className: string): string {
  return `/** The \`${name}\` context assembler. Reference it from agentry.yaml: context: { impl: ./<this file>#${exportName} }. */
import {
  type AssembledContext,
  type AssembleInput,
  type ContextAssembler,
  definePlugin,
  type Message,
} from '@agentry/core';
import { z } from 'zod';

const configSchema = z.object({
  lastMessages: z
    .number()
    .int()
    .positive()
    .default(20)
    .describe('How many of the newest messages the model sees'),
});

/** Instructions, memory and the newest \`lastMessages\` messages; a kept tool result always keeps its call. */
export class ${className} implements ContextAssembler {
  readonly kind = 'context-assembler' as const;
  readonly specVersion = 1 as const;
  readonly name = '${name}';
  readonly #lastMessages: number;

  constructor(lastMessages = 20) {
    this.#lastMessages = lastMessages;
  }

  assemble(input: AssembleInput): AssembledContext {
    let start = Math.max(0, input.messages.length - this.#lastMessages);
    // Step back over tool results so the assistant message that called them stays in.
    while (start > 0 && input.messages[start]?.role === 'tool') start -= 1;
    const kept: Message[] = input.messages.slice(start);
    const head: Message[] =
      input.instructions === '' ? [] : [{ role: 'system', content: input.instructions }];
    return {
      messages: [...head, ...input.memory, ...kept],
      kept: input.memory.length + kept.length,
      omitted: start,
    };
  }
}

export const ${exportName} = definePlugin({
  kind: 'context-assembler',
  name: '${name}',
  description: 'Keeps the newest messages of the run',
  configSchema,
  create: (config) => new ${className}(config.lastMessages),
});
`;
}

/** A `tool-executor` middleware that logs every call and its outcome. */
export function toolExecutorTemplate(name: string, exportName: string, className: string): string {
  return `/** The \`${name}\` tool executor. Reference it from agentry.yaml: toolExecutor: [{ impl: ./<this file>#${exportName} }]. */
import {
  definePlugin,
  type NextExecutor,
  type ToolExecution,
  type ToolExecutor,
  type ToolOutcome,
} from '@agentry/core';
import { z } from 'zod';

/** Wraps every tool call: logs it, passes it on with \`next\`, logs the outcome. */
export class ${className} implements ToolExecutor {
  readonly kind = 'tool-executor' as const;
  readonly specVersion = 1 as const;
  readonly name = '${name}';
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void = (line) => process.stderr.write(\`\${line}\\n\`)) {
    this.#log = log;
  }

  async execute(execution: ToolExecution, next: NextExecutor): Promise<ToolOutcome> {
    this.#log(\`[${name}] \${execution.tool.name} \${JSON.stringify(execution.input)}\`);
    let outcome: ToolOutcome;
    try {
      outcome = await next(execution);
    } catch (error) {
      // Cancellation and timeouts of the run are not tool failures: pass them on.
      if (execution.context.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      outcome = { ok: false, error: { code: 'tool.failed', message, retryable: false } };
    }
    this.#log(\`[${name}] \${execution.tool.name} → \${JSON.stringify(outcome).slice(0, 200)}\`);
    return outcome;
  }
}

export const ${exportName} = definePlugin({
  kind: 'tool-executor',
  name: '${name}',
  description: 'Logs every tool call and its outcome',
  configSchema: z.object({ quiet: z.boolean().default(false).describe('Log nothing') }).strict(),
  create: (config) => new ${className}(config.quiet ? () => {} : undefined),
});
`;
}
