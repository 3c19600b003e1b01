/** Runs the model conformance suite on core's ScriptedModel. */

import { ScriptedModel } from '../defaults/scripted-model.js';
import type { ScriptItem } from '../defaults/scripted-model-script.js';
import { describeModelConformance, type ModelConformanceTurn } from './model-conformance.js';

const FAULTS = {
  'model.rate_limited': 'rate_limit',
  'model.server_error': 'server',
  'model.connection': 'connection',
  'model.bad_request': 'bad_request',
  'model.auth': 'auth',
} as const;

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
  name: 'ScriptedModel',
  create: (script) => new ScriptedModel({ script: script.map(toItem) }),
});
