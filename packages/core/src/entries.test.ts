import { describe, expect, it } from 'vitest';
import * as main from './index.js';
import * as internal from './internal.js';
import * as plugin from './plugin.js';

describe('package entries', () => {
  it('@agentry/core/plugin has the authoring kit: definitions, callNext, guards, store building blocks', () => {
    for (const name of [
      'definePlugin',
      'defineTool',
      'callNext',
      'isToolError',
      'isModelError',
      'isAgentryError',
      'isTool',
      'isMemory',
      'ToolError',
      'KeyvStore',
      'InProcessLeases',
    ]) {
      expect(plugin, name).toHaveProperty(name);
    }
    expect(plugin).not.toHaveProperty('createRuntime');
  });

  it('@agentry/core keeps what applications use and leaves the internals out', () => {
    for (const name of [
      'createRuntime',
      'loadConfig',
      'MemoryStore',
      'ScriptedModel',
      'DefaultRuntime',
      'isRunError',
    ]) {
      expect(main, name).toHaveProperty(name);
    }
    const internals = [
      'armCrashPoint',
      'crashPoint',
      'createRootContainer',
      'createRunContainer',
      'TOKENS',
      'CHECKPOINT_SCHEMA_VERSION',
      'writeRunEvents',
      'RunOwner',
      'StoreCheckpointer',
      'KeyvStore',
    ];
    for (const name of internals) expect(main, name).not.toHaveProperty(name);
    for (const name of internals.slice(0, -1)) expect(internal, name).toHaveProperty(name);
  });

  it('one class behind every entry that exports it', () => {
    expect(plugin.ToolError).toBe(main.ToolError);
    expect(plugin.defineTool).toBe(main.defineTool);
  });
});
