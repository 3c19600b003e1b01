import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';
import { mcpServersWithAuth } from './mcp.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const CONFIG = `version: 1
store: memory
models:
  demo: { provider: scripted, script: ["hi"] }
agents:
  assistant:
    model: demo
    tools:
      - { type: mcp, config: { url: "https://mcp.example.com/mcp", auth: { clientId: agentry } } }
      - { type: mcp, config: { server: docs, url: "https://docs.example.com/mcp", auth: { grant: client_credentials } } }
      - { type: mcp, config: { server: plain, url: "https://plain.example.com/mcp" } }
`;

describe('agentry mcp login', () => {
  it('finds the servers with auth by the name the tool source gives them', () => {
    const servers = mcpServersWithAuth({
      agents: {
        assistant: {
          tools: [
            { type: 'mcp', config: { url: 'https://mcp.example.com/mcp', auth: {} } },
            { type: 'mcp', config: { server: 'plain', url: 'https://plain.example.com/mcp' } },
            { type: 'calc' },
          ],
        },
      },
    });
    expect(servers).toEqual([{ server: 'mcp.example.com', url: 'https://mcp.example.com/mcp', auth: {} }]);
  });

  it('names the servers it can sign in to when asked for another one, without connecting', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const result = await cli(['mcp', 'login', 'plain'], { cwd: scratch.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No mcp tool with `auth:` for server "plain"');
    expect(result.stderr).toContain('Servers with auth: mcp.example.com, docs');
  });

  it('says a client-credentials server needs no login', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const result = await cli(['mcp', 'login', 'docs'], { cwd: scratch.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('uses grant client_credentials, which needs no login');
  });
});
