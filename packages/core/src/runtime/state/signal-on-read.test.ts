import { describe, expect, it } from 'vitest';
import { checkOnRead } from './signal-on-read.js';

describe('checkOnRead', () => {
  it('aborts a signal the moment a reader looks after the condition became true, without a timer', () => {
    const controller = new AbortController();
    let passed = false;
    const signal = checkOnRead(controller.signal, () => {
      if (passed) controller.abort(new Error('deadline passed'));
    });
    expect(signal.aborted).toBe(false);
    expect(() => signal.throwIfAborted()).not.toThrow();
    passed = true;
    expect(() => signal.throwIfAborted()).toThrow('deadline passed');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toEqual(new Error('deadline passed'));
  });

  it('reaches signals derived with AbortSignal.any once the source is read', () => {
    const controller = new AbortController();
    let passed = false;
    const source = checkOnRead(controller.signal, () => {
      if (passed) controller.abort(new Error('gone'));
    });
    const derived = checkOnRead(AbortSignal.any([source]), () => void source.aborted);
    const heard: unknown[] = [];
    derived.addEventListener('abort', () => heard.push(derived.reason));
    passed = true;
    expect(derived.aborted).toBe(true);
    expect(heard).toEqual([new Error('gone')]);
  });
});
