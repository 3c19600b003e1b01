/** `describePatternConformance`: the behaviour every `pattern` plugin must show. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Pattern, PatternState } from '../contracts/pattern.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import type { ScriptItem } from '../defaults/scripted-model-script.js';
import { BudgetError } from '../errors/agentry-error.js';
import { jsonRoundTrip } from './message-checks.js';
import { drivePattern, type HarnessTool, PatternHarness } from './pattern-harness.js';

/** A run the suite drives: the user input, the model script, and the expected output. */
export interface PatternScenario {
  input: string;
  /** What the scripted model answers, call by call. */
  script: ScriptItem[];
  /** The run output the pattern must report (checked when set). */
  output?: string;
  /** Tools available (default: `add`, `echo`, `fail`). */
  tools?: readonly HarnessTool[];
}

/** Options of `describePatternConformance`. */
export interface PatternConformanceOptions {
  /** Suite title, e.g. the plugin name. */
  name: string;
  /** A fresh pattern per test. */
  create: () => Pattern | Promise<Pattern>;
  destroy?: (pattern: Pattern) => void | Promise<void>;
  /** Default: one `add` tool call, then a final answer (the shape of a tool loop). */
  scenario?: PatternScenario;
  /** Upper bound of transitions for one run (default 50). */
  maxTransitions?: number;
}

const DEFAULT_SCENARIO: PatternScenario = {
  input: 'What is 2 + 3?',
  script: [{ toolCalls: [{ tool: 'add', input: { a: 2, b: 3 } }] }, 'The sum is 5.'],
  output: 'The sum is 5.',
};

/**
 * Registers a vitest suite that drives the pattern with a `ScriptedModel` and
 * in-test tools, checking: state is plain JSON after every transition and
 * `messages` only grows by appending; each transition makes at most one model
 * call or one tool turn; the run ends with `done`; a run restored from the
 * JSON of any intermediate state (in a fresh pattern instance) ends with the
 * same output and messages; budget and suspension errors thrown by the
 * context are not swallowed; `restore` rejects foreign state.
 */
export function describePatternConformance(options: PatternConformanceOptions): void {
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  const maxTransitions = options.maxTransitions ?? 50;

  describe(`pattern conformance: ${options.name}`, () => {
    const created: Pattern[] = [];
    const make = async (): Promise<Pattern> => {
      const pattern = await options.create();
      created.push(pattern);
      return pattern;
    };
    afterEach(async () => {
      for (const pattern of created.splice(0)) await options.destroy?.(pattern);
    });

    const model = () => new ScriptedModel({ script: scenario.script });
    const harness = (extra: { callIndex?: number; modelError?: unknown; toolError?: unknown } = {}) =>
      new PatternHarness({ model: model(), ...(scenario.tools ? { tools: scenario.tools } : {}), ...extra });
    const startState = (pattern: Pattern): PatternState =>
      pattern.start({ input: scenario.input, messages: [{ role: 'user', content: scenario.input }] });
    const restore = (pattern: Pattern, json: string): PatternState => {
      const parsed = JSON.parse(json) as PatternState;
      return pattern.restore ? pattern.restore(parsed) : parsed;
    };

    it('declares kind pattern, spec version 1 and a name', async () => {
      const pattern = await make();
      expect(pattern.kind).toBe('pattern');
      expect(pattern.specVersion).toBe(1);
      expect(typeof pattern.name).toBe('string');
    });

    it('starts with plain-JSON state holding the user input', async () => {
      const pattern = await make();
      const state = startState(pattern);
      expect(jsonRoundTrip(state)).toEqual(state);
      expect(state.messages).toContainEqual({ role: 'user', content: scenario.input });
    });

    it('runs to done; state stays plain JSON, messages are appended, one model call or tool turn per step', async () => {
      const pattern = await make();
      const result = await drivePattern(
        pattern,
        startState(pattern),
        harness(),
        maxTransitions,
        (previous, next) => {
          expect(jsonRoundTrip(next)).toEqual(next);
          expect(next.messages.slice(0, previous.messages.length)).toEqual(previous.messages);
        },
      );
      for (const work of result.work) expect(work.modelCalls + work.toolTurns).toBeLessThanOrEqual(1);
      expect(typeof result.output).toBe('string');
      if (scenario.output !== undefined) expect(result.output).toBe(scenario.output);
    });

    it('continues a run restored from the JSON of any intermediate state to the same result', async () => {
      const first = await make();
      const reference = await drivePattern(first, startState(first), harness(), maxTransitions);
      const intermediate = reference.snapshots.slice(0, -1);
      expect(intermediate.length).toBeGreaterThan(0);
      for (const snapshot of intermediate) {
        const fresh = await make();
        const resumed = await drivePattern(
          fresh,
          restore(fresh, snapshot.state),
          harness({ callIndex: snapshot.callIndex }),
          maxTransitions,
        );
        expect(resumed.output).toBe(reference.output);
        expect(resumed.state.messages).toEqual(reference.state.messages);
      }
    });

    it('does not swallow budget errors thrown by callModel', async () => {
      const pattern = await make();
      const error = new BudgetError('budget.exhausted', { message: 'maxTotalTokens reached' });
      await expect(
        drivePattern(pattern, startState(pattern), harness({ modelError: error }), maxTransitions),
      ).rejects.toBe(error);
    });

    it('does not swallow errors thrown by callTools (suspension, budgets)', async () => {
      const pattern = await make();
      const probe = harness();
      await drivePattern(pattern, startState(pattern), probe, maxTransitions);
      if (probe.toolTurns === 0) return;
      const signal = new Error('suspended for approval');
      const fresh = await make();
      await expect(
        drivePattern(fresh, startState(fresh), harness({ toolError: signal }), maxTransitions),
      ).rejects.toBe(signal);
    });

    it('restore (when present) rejects state that is not its own', async () => {
      const pattern = await make();
      if (!pattern.restore) return;
      expect(() => pattern.restore!({ messages: 'not a list' } as unknown as PatternState)).toThrow();
    });
  });
}
