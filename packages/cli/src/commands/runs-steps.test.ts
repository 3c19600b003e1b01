/** `agentry runs show --steps` and `steps` in `--json`: what the model said and what each tool returned. */
import { afterEach, describe, expect, it } from 'vitest';
import { cli, quickstartCopy, scratchDir } from '../__fixtures__/cli-harness.js';
import type { RunStep } from '../render/run-steps.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('agentry runs show --steps', () => {
  it('shows each step with the model text, tool inputs and outputs, decisions, tokens, cost and time', async () => {
    const scratch = quickstartCopy();
    cleanups.push(scratch.remove);
    const cwd = scratch.dir;
    const first = await cli(['run', 'assistant', 'Summarise notes.md', '--json'], { cwd });
    const { runId } = JSON.parse(first.stdout) as { runId: string };
    const resumed = await cli(['resume', runId, '--deny', 'all', '--reason', 'not now'], { cwd });
    expect(resumed.code).toBe(0);

    const shown = await cli(['runs', 'show', runId, '--steps'], { cwd });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/step 1 · 1 tool call · \d+ tokens · \$0\.0000 · \d+ms/);
    expect(shown.stdout).toContain('model › Let me see what is in the workspace.');
    expect(shown.stdout).toMatch(
      /tool {2}list-files \{"path":"\."\} · \d+ms · ok → \{"path":".","entries":\[\{"path":"notes\.md"/,
    );
    expect(shown.stdout).toMatch(/tool {2}write-file \{"path":"summary\.md".* · denied: not now/);
    expect(shown.stdout).toContain(
      'model › I did not write workspace/summary.md because the write was denied.',
    );

    const json = await cli(['runs', 'show', runId, '--json'], { cwd });
    const { steps } = JSON.parse(json.stdout) as { steps: RunStep[] };
    expect(steps.map((step) => step.step)).toEqual([1, 2, 3, 4]);
    expect(steps[1]?.toolCalls[0]).toMatchObject({
      callId: `${runId}:2:call_2_1`,
      tool: 'read-file',
      input: { path: 'notes.md' },
      status: 'succeeded',
      output: { path: 'notes.md', content: expect.stringContaining('Meeting notes') },
    });
    expect(steps[2]?.toolCalls[0]).toMatchObject({
      tool: 'write-file',
      status: 'denied',
      approval: { decision: 'denied', reason: 'not now' },
    });
    expect(steps[3]).toMatchObject({ finishReason: 'stop', toolCalls: [] });
  });

  it('caps a large tool output in its event with a marker, and redacts secrets from it', async () => {
    const scratch = scratchDir({
      'agentry.yaml': `version: 1
store: sqlite
models:
  demo: { provider: scripted, script: [{ toolCalls: [{ tool: dump, input: {} }] }, "Done."] }
agents:
  a:
    model: demo
    tools: [{ impl: ./dump.ts#dump }]
`,
      'dump.ts': `import { defineTool } from '@agentry/core';
import { z } from 'zod';
export const dump = defineTool({
  name: 'dump', description: 'Returns a lot', input: z.object({}), sideEffects: 'none',
  execute: () => 'token=' + process.env.DUMP_TOKEN + ' ' + 'x'.repeat(10000),
});
`,
    });
    cleanups.push(scratch.remove);
    const env = { DUMP_TOKEN: 'sk-dump-secret-123456' };
    const ran = await cli(['run', 'a', 'go', '--json'], { cwd: scratch.dir, env });
    const { runId } = JSON.parse(ran.stdout) as { runId: string };
    const json = await cli(['runs', 'show', runId, '--json'], { cwd: scratch.dir, env });
    const output = (JSON.parse(json.stdout) as { steps: RunStep[] }).steps[0]?.toolCalls[0]?.output as string;
    expect(output).toMatch(/\n\[output truncated: showing \d+ of 10\d\d\d bytes\]$/);
    expect(output.length).toBeLessThan(4200);
    expect(output).not.toContain('sk-dump-secret-123456');
  });
});
