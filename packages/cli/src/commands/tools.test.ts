/** `agentry tools <agent>`: an agent's resolved tools, MCP servers' tools included, with side effects and approval. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, REPO_DIR, SPAWN_TEST_TIMEOUT_MS, scratchDir } from '../__fixtures__/cli-harness.js';
import type { ToolRow } from './tools.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const MCP_SERVER = path.join(REPO_DIR, 'packages/plugins/src/tool/__fixtures__/mcp-stdio-server.mjs');

describe('agentry tools', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it("lists builtin, MCP servers' and approval-gated tools with side effects, approval and policy", async () => {
    const scratch = scratchDir({
      'agentry.yaml': `version: 1
store: memory
models:
  demo: { provider: scripted, script: ["Hi"] }
agents:
  assistant:
    model: demo
    approvals: { tools: { fx_echo: deny } }
    tools:
      - { type: read-file, config: { root: . } }
      - { type: shell, approval: always, config: { root: ., allowCommands: [ls] } }
      - { type: mcp, config: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(MCP_SERVER)}], prefix: fx_, tools: [add, echo] } }
`,
    });
    cleanups.push(scratch.remove);
    const json = await cli(['tools', '--json'], { cwd: scratch.dir });
    expect(json.stderr).toBe('');
    const { tools } = JSON.parse(json.stdout) as { tools: ToolRow[] };
    expect(tools.map((tool) => [tool.name, tool.sideEffects, tool.approval, tool.policy ?? ''])).toEqual([
      ['read-file', 'none', 'never', ''],
      ['shell', 'unsafe', 'always', ''],
      ['fx_add', expect.any(String), expect.any(String), ''],
      ['fx_echo', expect.any(String), expect.any(String), 'deny'],
    ]);
    expect(tools[2]?.source).toBe('mcp [2]');
    const table = await cli(['tools', 'assistant'], { cwd: scratch.dir });
    expect(table.stdout.split('\n')[0]).toMatch(
      /^TOOL\s+SIDE EFFECTS\s+APPROVAL\s+POLICY\s+FROM\s+DESCRIPTION/,
    );
    expect(table.stdout).toMatch(/fx_add\s+\w+\s+\w+\s+mcp \[2\]\s+Adds two numbers/);
    const wrong = await cli(['tools', 'asistant'], { cwd: scratch.dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Did you mean "assistant"?');
  });
});
