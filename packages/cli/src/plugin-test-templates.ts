/** The conformance test `agentry new plugin` writes next to each scaffolded plugin. */

/** Kinds with a scaffold and a `describe<Kind>Conformance` suite. */
export type ConformanceKind =
  | 'tool'
  | 'memory'
  | 'store'
  | 'model'
  | 'event-bus'
  | 'pattern'
  | 'context-assembler'
  | 'tool-executor'
  | 'queue';

function suiteCall(kind: ConformanceKind, name: string, exportName: string, className: string): string {
  switch (kind) {
    case 'tool':
      return `import { describeToolConformance } from '@agentry/core/testing';
import { ${exportName} } from './${name}-tool.js';

describeToolConformance({
  name: '${name}',
  create: () => ${exportName},
  validInput: { text: 'hello' },
  invalidInput: { text: 42 },
});
`;
    case 'memory':
      return `import { describeMemoryConformance } from '@agentry/core/testing';
import { create${className} } from './${name}-memory.js';

describeMemoryConformance({ name: '${name}', create: () => create${className}(['Be brief.']) });
`;
    case 'store':
      return `import { describeStoreConformance } from '@agentry/core/testing';
import { ${className} } from './${name}-store.js';

describeStoreConformance({ name: '${name}', create: () => new ${className}() });
`;
    case 'model':
      return `import type { ScriptItem } from '@agentry/core';
import { describeModelConformance, type ModelConformanceTurn } from '@agentry/core/testing';
import { ${className} } from './${name}-model.js';

const FAULTS = {
  'model.rate_limited': 'rate_limit',
  'model.server_error': 'server',
  'model.connection': 'connection',
  'model.bad_request': 'bad_request',
  'model.auth': 'auth',
} as const;

/** One conformance turn as an item of the model's script. */
function toItem(turn: ModelConformanceTurn): ScriptItem {
  switch (turn.type) {
    case 'text':
      return turn.usage === undefined ? { text: turn.text } : { text: turn.text, usage: turn.usage };
    case 'tool-calls':
      return {
        ...(turn.text === undefined ? {} : { text: turn.text }),
        toolCalls: turn.toolCalls.map((call) => ({ tool: call.name, input: call.input })),
      };
    case 'error':
      return { error: FAULTS[turn.code] };
    case 'hang':
      return { hang: true };
  }
}

describeModelConformance({
  name: '${name}',
  create: (script) => new ${className}(script.map(toItem)),
});
`;
    case 'event-bus':
      return `import { describeEventBusConformance } from '@agentry/core/testing';
import { ${className} } from './${name}-event-bus.js';

describeEventBusConformance({ name: '${name}', create: () => new ${className}() });
`;
    case 'pattern':
      return `import { describePatternConformance } from '@agentry/core/testing';
import { ${className} } from './${name}-pattern.js';

describePatternConformance({ name: '${name}', create: () => new ${className}() });
`;
    case 'context-assembler':
      return `import { describeContextAssemblerConformance } from '@agentry/core/testing';
import { ${className} } from './${name}-context-assembler.js';

describeContextAssemblerConformance({ name: '${name}', create: () => new ${className}(4) });
`;
    case 'tool-executor':
      return `import { describeToolExecutorConformance } from '@agentry/core/testing';
import { ${className} } from './${name}-tool-executor.js';

describeToolExecutorConformance({ name: '${name}', create: () => new ${className}(() => {}) });
`;
    case 'queue':
      return `import { describeQueueConformance } from '@agentry/core/testing';
import { ${className} } from './${name}-queue.js';

describeQueueConformance({ name: '${name}', create: () => new ${className}() });
`;
  }
}

/** The `*.test.ts` source running the kind's conformance suite on the scaffolded plugin. */
export function conformanceTest(
  kind: ConformanceKind,
  name: string,
  exportName: string,
  className: string,
): string {
  return `/** Runs the ${kind} conformance suite of @agentry/core/testing on \`${name}\` (run it with: npx vitest run). */
${suiteCall(kind, name, exportName, className)}`;
}
