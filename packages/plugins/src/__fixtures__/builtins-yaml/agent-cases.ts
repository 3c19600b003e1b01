/** Rows for the per-agent slots (tool executors, memories, context assemblers, patterns), driven by scripted models. */
import { defineTool, type Tool, ToolError } from '@agentry/core';
import { expect } from 'vitest';
import { z } from 'zod';
import { completes, eventsOf, indent, type Project, toolOutcomes, type YamlCase } from './harness.js';

/** YAML of a scripted model `demo` playing `script` and one agent `assistant` with `agentYaml`. */
function scriptedYaml(script: unknown[], agentYaml: string, extraModels = ''): string {
  return `version: 1
store: memory
models:
  demo: { provider: scripted, script: ${JSON.stringify(script)} }
${extraModels === '' ? '' : indent(extraModels, 2)}
agents:
  assistant:
    model: demo
${indent(agentYaml, 4)}
`;
}

const calls = (tool: string, count: number, input: unknown = {}) => ({
  toolCalls: Array.from({ length: count }, () => ({ tool, input })),
});

/** A tool that counts how many of its calls run at the same time (each yields to the event loop twice). */
function overlapProbe(): { tool: Tool; peak: () => number } {
  let running = 0;
  let peak = 0;
  const tool = defineTool({
    name: 'probe',
    description: 'Counts overlapping calls',
    input: z.object({}),
    sideEffects: 'none',
    execute: async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return 'probed';
    },
  });
  return { tool: tool as Tool, peak: () => peak };
}

/** Runs three overlapping probe calls under `executorYaml`; returns the peak overlap. */
async function peakUnder(project: Project, executorYaml: string): Promise<number> {
  const probe = overlapProbe();
  const runtime = await project.runtime(scriptedYaml([calls('probe', 3), 'done'], executorYaml), {
    tools: [probe.tool],
  });
  const result = await completes(runtime, 'assistant', 'probe three times');
  expect(await toolOutcomes(runtime, result.runId)).toEqual(['probe: ok', 'probe: ok', 'probe: ok']);
  return probe.peak();
}

/** Runs `assistant` in one session once per input; returns the `messages` count of each run's memory.injected. */
async function injectedPerRun(project: Project, yaml: string, inputs: string[]) {
  const runtime = await project.runtime(yaml);
  const injected: { memory: string; messages: number }[][] = [];
  for (const input of inputs) {
    const result = await completes(runtime, 'assistant', input, 'session_yaml');
    const events = await eventsOf(runtime, result.runId, 'memory.injected');
    injected.push(events.map((event) => ({ memory: event.data.memory, messages: event.data.messages })));
  }
  return injected;
}

/** The `context.assembled` events of a run with one tool turn (4 messages by its second model call). */
async function assembledWith(project: Project, contextYaml: string) {
  const script = [{ toolCalls: [{ tool: 'calc', input: { expression: '1 + 1' } }] }, 'two'];
  const runtime = await project.runtime(
    scriptedYaml(script, `instructions: You are terse.\ntools: [calc]\n${contextYaml}`),
  );
  const result = await completes(runtime, 'assistant', 'what is one plus one, explained at length please?');
  return (await eventsOf(runtime, result.runId, 'context.assembled')).map(({ data }) => ({
    kept: data.kept,
    omitted: data.omitted,
  }));
}

export const AGENT_CASES: Record<string, YamlCase> = {
  'tool-executor default': async (project) => {
    expect(await peakUnder(project, 'toolExecutor: { type: default, config: { concurrency: 2 } }')).toBe(2);
  },
  'tool-executor concurrent': async (project) => {
    expect(
      await peakUnder(project, 'toolExecutor: { type: concurrent, config: { maxConcurrency: 1 } }'),
    ).toBe(1);
  },
  'tool-executor timeout': async (project) => {
    const stall = defineTool({
      name: 'stall',
      description: 'Never finishes on its own',
      input: z.object({}),
      sideEffects: 'none',
      execute: (_input, context) =>
        new Promise<string>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
        }),
    });
    const runtime = await project.runtime(
      scriptedYaml(
        [calls('stall', 1), 'gave up'],
        'toolExecutor: { type: timeout, config: { defaultMs: 20 } }',
      ),
      { tools: [stall as Tool] },
    );
    const result = await completes(runtime, 'assistant', 'wait for it');
    expect(await toolOutcomes(runtime, result.runId)).toEqual(['stall: tool.timeout']);
  },
  'tool-executor retrying': async (project) => {
    let attempts = 0;
    const flaky = defineTool({
      name: 'flaky',
      description: 'Fails once, then works',
      input: z.object({}),
      sideEffects: 'none',
      execute: () => {
        attempts += 1;
        if (attempts === 1) throw new ToolError('tool.failed', { message: 'flaky', retryable: true });
        return `worked on attempt ${attempts}`;
      },
    });
    const runtime = await project.runtime(
      scriptedYaml(
        [calls('flaky', 1), 'done'],
        'toolExecutor: { type: retrying, config: { attempts: 3, baseDelayMs: 0 } }',
      ),
      { tools: [flaky as Tool] },
    );
    const result = await completes(runtime, 'assistant', 'try it');
    expect(await toolOutcomes(runtime, result.runId)).toEqual(['flaky: ok']);
    expect(attempts).toBe(2);
  },
  'tool-executor policy': async (project) => {
    await project.file('ws/a.txt', 'inside');
    await project.file('secret.txt', 'outside');
    const script = [
      {
        toolCalls: [
          { tool: 'read-file', input: { path: 'a.txt' } },
          { tool: 'read-file', input: { path: '../secret.txt' } },
          { tool: 'calc', input: { expression: '1 + 1' } },
        ],
      },
      'done',
    ];
    const agent = `toolExecutor: { type: policy, config: { roots: [./ws], tools: { deny: [calc] } } }
tools: [{ type: read-file, config: { root: ./ws } }, calc]`;
    const runtime = await project.runtime(scriptedYaml(script, agent));
    const result = await completes(runtime, 'assistant', 'read both');
    expect(await toolOutcomes(runtime, result.runId)).toEqual([
      'calc: tool.policy_denied',
      'read-file: ok',
      'read-file: tool.policy_denied',
    ]);
  },
  'memory buffer': async (project) => {
    const injected = await injectedPerRun(project, scriptedYaml(['noted'], 'memory: buffer'), [
      'one',
      'two',
      'three',
    ]);
    expect(injected).toEqual([
      [{ memory: 'buffer', messages: 0 }],
      [{ memory: 'buffer', messages: 2 }],
      [{ memory: 'buffer', messages: 4 }],
    ]);
  },
  'memory window': async (project) => {
    const yaml = scriptedYaml(['noted'], 'memory: { type: window, config: { maxMessages: 2 } }');
    const injected = await injectedPerRun(project, yaml, ['one', 'two', 'three']);
    // The third run sees only the last 2 of the 4 earlier messages (buffer would give 4).
    expect(injected).toEqual([0, 2, 2].map((messages) => [{ memory: 'window', messages }]));
  },
  'memory summary': async (project) => {
    const yaml = scriptedYaml(
      ['noted'],
      'memory: { type: summary, config: { model: summarizer, maxTokens: 1, keepRecentTurns: 1 } }',
      'summarizer: { provider: scripted, script: ["The user said one."] }',
    );
    const injected = await injectedPerRun(project, yaml, ['one', 'two', 'three']);
    // Third run: the first turn summarised into one message, the second turn (2 messages) verbatim.
    expect(injected).toEqual([0, 2, 3].map((messages) => [{ memory: 'summary', messages }]));
  },
  'memory persistent': async (project) => {
    const yaml = scriptedYaml(['noted'], 'memory: { type: persistent, config: { scope: agent, limit: 1 } }');
    const runtime = await project.runtime(yaml);
    await completes(runtime, 'assistant', 'My favourite fruit is mango', 'session_a');
    // Another session of the same agent recalls the fact (scope: agent).
    const second = await completes(runtime, 'assistant', 'Which fruit do I like?', 'session_b');
    const injected = await eventsOf(runtime, second.runId, 'memory.injected');
    expect(injected.map(({ data }) => data)).toEqual([{ memory: 'persistent', messages: 1 }]);
  },
  'memory chain': async (project) => {
    const memory = `memory:
  type: chain
  config: { memories: [{ type: persistent, config: { limit: 1 } }, { type: window, config: { maxMessages: 1 } }] }`;
    const injected = await injectedPerRun(project, scriptedYaml(['noted'], memory), [
      'apples are red',
      'apples?',
    ]);
    // Second run: the recalled fact (persistent) plus the last earlier message (window).
    expect(injected).toEqual([0, 2].map((messages) => [{ memory: 'chain', messages }]));
  },
  'context-assembler transcript': async (project) => {
    const assembled = await assembledWith(project, 'context: transcript');
    expect(assembled.map((item) => item.omitted)).toEqual([0, 0]);
    expect(assembled[1]!.kept).toBeGreaterThan(assembled[0]!.kept);
  },
  'context-assembler truncating': async (project) => {
    const assembled = await assembledWith(
      project,
      'context: { type: truncating, config: { maxMessages: 1 } }',
    );
    // The second call keeps the tool call with its result and leaves the user message out.
    expect(assembled.map((item) => item.omitted)).toEqual([0, 1]);
  },
  'context-assembler token-budget': async (project) => {
    const context = 'context: { type: token-budget, config: { maxTokens: 40, encoding: chars } }';
    const assembled = await assembledWith(project, context);
    expect(assembled[0]?.omitted).toBe(0);
    expect(assembled[1]?.omitted).toBeGreaterThan(0);
  },
  'pattern tool-loop': async (project) => {
    const script = [calls('calc', 1, { expression: '2 + 2' }), 'four'];
    const runtime = await project.runtime(
      scriptedYaml(script, 'tools: [calc]\npattern: { type: tool-loop, config: { maxSteps: 5 } }'),
    );
    const result = await completes(runtime, 'assistant', 'add');
    expect(result).toMatchObject({ output: 'four', usage: { modelCalls: 2, toolCalls: 1 } });
  },
  'pattern plan-execute': async (project) => {
    const script = [
      '["Add 2 and 3"]',
      calls('calc', 1, { expression: '2 + 3' }),
      'The sum is 5.',
      'It is 5.',
    ];
    const runtime = await project.runtime(
      scriptedYaml(script, 'tools: [calc]\npattern: { type: plan-execute, config: { maxReplans: 1 } }'),
    );
    const result = await completes(runtime, 'assistant', 'What is 2 + 3?');
    expect(result.output).toBe('It is 5.');
    const planned = await eventsOf(runtime, result.runId, 'pattern.planned');
    expect(planned.map(({ data }) => data)).toEqual([{ plan: ['Add 2 and 3'], replans: 0 }]);
  },
  'pattern reflexion': async (project) => {
    const script = ['draft', 'Too vague.', 'precise answer', 'LGTM, fine'];
    const runtime = await project.runtime(
      scriptedYaml(script, 'pattern: { type: reflexion, config: { approvalWord: LGTM } }'),
    );
    const result = await completes(runtime, 'assistant', 'Explain.');
    expect(result).toMatchObject({ output: 'precise answer', usage: { modelCalls: 4 } });
  },
};
