import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../../contracts/runtime.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe('runtime.describeAgent', () => {
  it('lists an agent with its tools, their JSON schemas and approval rules, secrets redacted', async () => {
    const send = defineTool({
      name: 'send',
      description: 'Sends a message',
      input: z.object({ to: z.string().min(3) }),
      sideEffects: 'unsafe',
      approval: 'always',
      execute: () => 'sent',
    });
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: { demo: { provider: 'scripted', script: ['ok'] } },
        agents: {
          mailer: {
            model: 'demo',
            description: ['Mails with $', '{env:MAIL_API_KEY}'].join(''),
            durable: true,
            budget: { maxSteps: 3 },
          },
        },
      },
      env: { MAIL_API_KEY: 'mail-secret-0123456789' },
      tools: [send],
    });
    opened.push(runtime);
    const description = runtime.describeAgent?.('mailer');
    expect(description).toMatchObject({
      id: 'mailer',
      durable: true,
      budget: { maxSteps: 3 },
      tools: [
        {
          name: 'send',
          sideEffects: 'unsafe',
          approval: 'always',
          inputSchema: { type: 'object', required: ['to'] },
        },
      ],
    });
    expect(JSON.stringify(description)).not.toContain('mail-secret-0123456789');
    expect(runtime.describeAgent?.('nobody')).toBeUndefined();
  });
});
