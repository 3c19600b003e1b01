import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Message } from '../contracts/message.js';
import type { ModelRequest, ModelStreamPart } from '../contracts/model.js';
import type { PluginDeps } from '../contracts/plugin.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { silentLogger } from '../services/console-logger.js';
import { RandomIdFactory } from '../services/random-id-factory.js';
import { SystemClock } from '../services/system-clock.js';
import { ScriptedModel } from './scripted-model.js';
import { isValidatedScript, validateScript } from './scripted-model-script.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

function deps(baseDir = fixtures): PluginDeps {
  const unavailable = () => {
    throw new Error('not available in this test');
  };
  return {
    baseDir,
    logger: silentLogger,
    clock: new SystemClock(),
    ids: new RandomIdFactory(),
    redactor: { addSecret: () => {}, redactText: (text) => text, redact: (value) => value },
    store: unavailable,
    events: unavailable,
    models: unavailable,
    load: unavailable,
  };
}

const request = (
  callIndex: number,
  messages: Message[] = [{ role: 'user', content: 'hi' }],
): ModelRequest => ({
  messages,
  tools: [],
  runId: 'run_1',
  callIndex,
});

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('ScriptedModel', () => {
  it('answers the n-th call of a run with item n, with deterministic tool-call ids', async () => {
    const model = new ScriptedModel({
      script: [{ toolCalls: [{ tool: 'add', input: { a: 1, b: 2 } }, { tool: 'echo' }] }, 'Done: 3'],
    });
    const first = await model.generate(request(0));
    expect(first.toolCalls).toEqual([
      { id: 'call_1_1', name: 'add', input: { a: 1, b: 2 } },
      { id: 'call_1_2', name: 'echo', input: {} },
    ]);
    expect(first.finishReason).toBe('tool-calls');
    const second = await model.generate(request(1));
    expect(second).toMatchObject({
      text: 'Done: 3',
      toolCalls: [],
      finishReason: 'stop',
      modelId: 'scripted',
    });
  });

  it('gives every run (and a resumed run) its own position: no cursor shared across runs', async () => {
    const model = new ScriptedModel({ script: ['one', 'two', 'three'] });
    const [runA, runB] = await Promise.all([model.generate(request(0)), model.generate(request(0))]);
    expect([runA.text, runB.text]).toEqual(['one', 'one']);
    const resumedInAnotherProcess = new ScriptedModel({ script: ['one', 'two', 'three'] });
    expect((await resumedInAnotherProcess.generate(request(2))).text).toBe('three');
  });

  it('throws model.script_exhausted naming the script and its length when a run goes past the end', async () => {
    const model = new ScriptedModel({ script: ['only'], model: 'demo-model' });
    const error = await caught(model.generate(request(1)));
    expect(isAgentryError(error) && error.code).toBe('model.script_exhausted');
    expect((error as Error).message).toBe(
      'Scripted model "demo-model" has no item for step 2: its script of model demo-model has 1 step',
    );
    expect(isAgentryError(error) && error.retryable).toBe(false);
  });

  it('injects faults as ModelErrors with the right code and retryable flag', async () => {
    const model = new ScriptedModel({
      script: [
        { error: 'rate_limit', retryAfterMs: 1500 },
        { error: 'connection' },
        { error: 'server' },
        { error: 'timeout' },
        { error: 'auth', message: 'bad key' },
        { error: 'bad_request' },
      ],
    });
    const errors = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((index) => caught(model.generate(request(index)))),
    );
    expect(
      errors.map((error) =>
        isAgentryError(error) ? [error.code, error.retryable, error.retryAfterMs] : error,
      ),
    ).toEqual([
      ['model.rate_limited', true, 1500],
      ['model.connection', true, undefined],
      ['model.server_error', true, undefined],
      ['model.timeout', true, undefined],
      ['model.auth', false, undefined],
      ['model.bad_request', false, undefined],
    ]);
    expect((errors[4] as Error).message).toBe('bad key');
    expect((errors[4] as Error).name).toBe('ModelError');
  });

  it('estimates usage from text length, growing with the conversation', async () => {
    const model = new ScriptedModel({ script: ['a'.repeat(40), 'b', 'c'] });
    const short: Message[] = [{ role: 'user', content: 'x'.repeat(400) }];
    const first = await model.generate(request(0, short));
    expect(first.usage).toEqual({ inputTokens: 104, outputTokens: 10, totalTokens: 114 });
    const longer: Message[] = [
      ...short,
      { role: 'assistant', content: 'a'.repeat(40) },
      { role: 'user', content: 'y'.repeat(80) },
    ];
    const second = await model.generate(request(1, longer));
    expect(second.usage.inputTokens).toBe(104 + 14 + 24);
    // The same conversation rebuilt from JSON (a resumed run) counts the same.
    const third = await model.generate(request(2, JSON.parse(JSON.stringify(longer)) as Message[]));
    expect(third.usage.inputTokens).toBe(second.usage.inputTokens);
  });

  it('streams text in chunks, then tool calls, then finish with the whole response', async () => {
    const model = new ScriptedModel({
      script: [{ text: 'Let me add these numbers.', toolCalls: [{ tool: 'add', input: { a: 1, b: 1 } }] }],
    });
    const parts: ModelStreamPart[] = [];
    for await (const part of model.stream(request(0))) parts.push(part);
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(
      'Let me add these numbers.',
    );
    expect(parts.at(-2)).toEqual({
      type: 'tool-call',
      toolCall: { id: 'call_1_1', name: 'add', input: { a: 1, b: 1 } },
    });
    const last = parts.at(-1);
    expect(last?.type === 'finish' && last.response.text).toBe('Let me add these numbers.');
  });

  it('rejects an invalid script at creation, naming the item and the problem', () => {
    expect(() => new ScriptedModel({ script: [] })).toThrow(/the script is empty/);
    expect(() => new ScriptedModel({ script: ['ok', { text: 'x', toolcalls: [] } as never] })).toThrow(
      /item 1.*toolcalls/,
    );
    expect(() => new ScriptedModel({ script: [{ error: 'teapot' } as never] })).toThrow(/item 0 \(error\)/);
    expect(() => new ScriptedModel({ script: [{}] })).toThrow(
      /item 0: a response item needs `text` and\/or `toolCalls`/,
    );
  });

  it('throws the abort reason when the request signal is already aborted', async () => {
    const model = new ScriptedModel({ script: ['never'] });
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(model.generate({ ...request(0), signal: controller.signal })).rejects.toThrow(
      'cancelled by user',
    );
  });

  it('hangs on a hang item until the run is aborted, then rejects with the abort reason', async () => {
    const model = new ScriptedModel({ script: [{ hang: true }] });
    const controller = new AbortController();
    const pending = model.generate({ ...request(0), signal: controller.signal });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    controller.abort(new Error('run timed out'));
    await expect(pending).rejects.toThrow('run timed out');
    await expect(model.generate(request(0))).rejects.toMatchObject({ code: 'model.bad_request' });
    expect(() => new ScriptedModel({ script: [{ hang: false } as never] })).toThrow(/item 0 \(hang\)/);
  });

  it('records requests only when asked to', async () => {
    const quiet = new ScriptedModel({ script: ['a'] });
    await quiet.generate(request(0));
    expect(quiet.calls).toEqual([]);
    const recording = new ScriptedModel({ script: ['a'], record: true });
    await recording.generate(request(0));
    expect(recording.calls).toHaveLength(1);
  });
});

describe('ScriptedModel plugin', () => {
  it('loads a YAML script file relative to the config directory', async () => {
    const config = ScriptedModel.plugin.configSchema.parse({ script: './demo.script.yaml', model: 'demo' });
    const model = await ScriptedModel.plugin.create(config, deps());
    expect((await model.generate(request(0))).toolCalls[0]).toEqual({
      id: 'call_1_1',
      name: 'write-file',
      input: { path: 'hello.txt', content: 'hi' },
    });
    expect((await model.generate(request(1))).text).toBe('Wrote hello.txt');
    const error = await caught(model.generate(request(2)));
    expect((error as Error).message).toContain('file ./demo.script.yaml has 2 steps');
  });

  it('loads a JSON list and inline items', async () => {
    const fromJson = await ScriptedModel.plugin.create(
      ScriptedModel.plugin.configSchema.parse({ script: 'list.script.json' }),
      deps(),
    );
    expect((await fromJson.generate(request(0))).text).toBe('from json');
    const inline = await ScriptedModel.plugin.create(
      ScriptedModel.plugin.configSchema.parse({
        script: ['inline'],
        pricing: { inputPerMillion: 1, outputPerMillion: 2 },
      }),
      deps(),
    );
    expect(inline.pricing).toEqual({ inputPerMillion: 1, outputPerMillion: 2 });
  });

  it('names the file, line and item of every problem in a script file', async () => {
    const config = ScriptedModel.plugin.configSchema.parse({ script: 'bad.script.yaml' });
    const error = await caught(Promise.resolve().then(() => ScriptedModel.plugin.create(config, deps())));
    expect(isAgentryError(error) && error.code).toBe('plugin.config_invalid');
    expect((error as Error).message).toMatch(/item 1 \(toolCalls\.0[.)].*bad\.script\.yaml:2:/);
    expect((error as Error).message).toMatch(/item 2 \(error\).*bad\.script\.yaml:3:/);
  });

  it('explains a missing file and a syntax error', async () => {
    const missing = await caught(
      Promise.resolve().then(() =>
        ScriptedModel.plugin.create(ScriptedModel.plugin.configSchema.parse({ script: 'nope.yaml' }), deps()),
      ),
    );
    expect((missing as Error).message).toMatch(/Cannot read the scripted model script nope\.yaml/);
    const broken = await caught(
      Promise.resolve().then(() =>
        ScriptedModel.plugin.create(
          ScriptedModel.plugin.configSchema.parse({ script: 'broken.script.yaml' }),
          deps(),
        ),
      ),
    );
    expect((broken as Error).message).toMatch(/Cannot parse the scripted model script broken\.script\.yaml/);
  });
});

describe('ScriptedModel reactions (when)', () => {
  const denied: Message = {
    role: 'tool',
    toolCallId: 'call_1_1',
    toolName: 'refund',
    content: { error: { code: 'tool.denied', message: 'The user denied this call.' } },
    isError: true,
  };
  const failed: Message = { ...denied, content: { error: { code: 'tool.timeout', message: 'slow' } } };
  const succeeded: Message = {
    role: 'tool',
    toolCallId: 'call_1_1',
    toolName: 'refund',
    content: { ok: true },
  };
  const asked: Message = {
    role: 'assistant',
    content: '',
    toolCalls: [{ id: 'call_1_1', name: 'refund', input: {} }],
  };
  const user: Message = { role: 'user', content: 'Refund order 1042' };
  const model = new ScriptedModel({
    script: [
      { toolCalls: [{ tool: 'refund', input: { order: 1042 } }] },
      { when: { lastTool: 'denied' }, text: 'Order 1042 was not refunded: the refund was denied.' },
      { when: { lastTool: 'error' }, text: 'The refund failed.' },
      'Order 1042 was refunded.',
      { when: { input: 'weather' }, text: 'I only do refunds.' },
      'Anything else?',
    ],
  });

  it('answers a step with the first reaction whose condition holds, else with the item that ends the step', async () => {
    expect(model.length).toBe(3);
    const answerTo = (result: Message) => model.generate(request(1, [user, asked, result]));
    expect((await answerTo(denied)).text).toBe('Order 1042 was not refunded: the refund was denied.');
    expect((await answerTo(failed)).text).toBe('The refund failed.');
    expect((await answerTo(succeeded)).text).toBe('Order 1042 was refunded.');
    expect((await model.generate(request(2, [{ role: 'user', content: 'And the Weather?' }]))).text).toBe(
      'I only do refunds.',
    );
    expect((await model.generate(request(2, [user]))).text).toBe('Anything else?');
  });

  it('refuses a step whose reactions all fail and that has no item to fall back on, and a bad pattern', async () => {
    const strict = new ScriptedModel({ script: [{ when: { lastTool: 'denied' }, text: 'denied' }] });
    const error = await caught(strict.generate(request(0)));
    expect(isAgentryError(error) && error.code).toBe('model.script_exhausted');
    expect((error as Error).message).toContain('none of its reactions holds (lastTool: denied)');
    expect(() => new ScriptedModel({ script: [{ when: { input: '(' }, text: 'x' }, 'y'] })).toThrow(
      /not a valid regular expression/,
    );
  });
});

describe('validateScript', () => {
  it('marks the item list it returns, so a model made from it does not check it again; no other list is marked', () => {
    const raw = ['hi', { text: 'there' }];
    const { items } = validateScript(raw, 'inline script');
    expect(isValidatedScript(items)).toBe(true);
    expect(isValidatedScript([...items])).toBe(false);
    expect(isValidatedScript(raw)).toBe(false);
    expect(new ScriptedModel({ script: items }).length).toBe(2);
  });
});
