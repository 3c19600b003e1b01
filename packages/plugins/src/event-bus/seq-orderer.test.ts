/** SeqOrderer: per-run reordering by seq, duplicates dropped, gaps given up on after the timeout. */
import type { AnyAgentryEvent } from '@agentry/core';
import { describe, expect, it, vi } from 'vitest';
import { event, RUN_USAGE } from './__fixtures__/bus-test-support.js';
import { SeqOrderer } from './seq-orderer.js';

function step(runId: string, seq: number): AnyAgentryEvent {
  return event('step.started', { step: seq }, { runId, seq });
}

function orderer(gapTimeoutMs = 1000) {
  const delivered: string[] = [];
  const gaps: [string, number[]][] = [];
  const instance = new SeqOrderer({
    gapTimeoutMs,
    deliver: (item) => void delivered.push(`${item.runId}:${item.seq}`),
    onGap: (runId, missing) => void gaps.push([runId, missing]),
  });
  return { instance, delivered, gaps };
}

describe('SeqOrderer', () => {
  it('holds later events until the gap fills, per run', () => {
    const { instance, delivered } = orderer();
    instance.push(step('a', 1));
    instance.push(step('a', 3));
    instance.push(step('b', 1));
    instance.push(step('a', 4));
    expect(delivered).toEqual(['a:1', 'b:1']);
    instance.push(step('a', 2));
    expect(delivered).toEqual(['a:1', 'b:1', 'a:2', 'a:3', 'a:4']);
    instance.clear();
  });

  it('drops duplicates and events already passed', () => {
    const { instance, delivered } = orderer();
    instance.push(step('a', 1));
    instance.push(step('a', 2));
    instance.push(step('a', 2));
    instance.push(step('a', 1));
    expect(delivered).toEqual(['a:1', 'a:2']);
  });

  it('skips positions published by this process', () => {
    const { instance, delivered } = orderer();
    instance.skipTo('a', 3);
    instance.push(step('a', 5));
    instance.push(step('a', 4));
    expect(delivered).toEqual(['a:4', 'a:5']);
  });

  it('forgets a run once it has ended, and keeps a suspended one for its resume', () => {
    const { instance, delivered } = orderer();
    instance.push(step('a', 1));
    instance.push(event('run.completed', { output: 'done', usage: RUN_USAGE }, { runId: 'a', seq: 3 }));
    instance.push(step('b', 1));
    instance.push(
      event('run.suspended', { stopReason: 'awaiting_approval', pending: [] }, { runId: 'b', seq: 2 }),
    );
    instance.skipTo('c', 4, 'run.failed');
    expect(instance.trackedRuns).toBe(2);
    instance.push(step('a', 2));
    expect(delivered).toEqual(['a:1', 'b:1', 'b:2', 'a:2', 'a:3']);
    expect(instance.trackedRuns).toBe(1);
  });

  it('gives up on a missing seq after the timeout and reports it', () => {
    vi.useFakeTimers();
    try {
      const { instance, delivered, gaps } = orderer(500);
      instance.push(step('a', 1));
      instance.push(step('a', 4));
      instance.push(step('a', 5));
      expect(delivered).toEqual(['a:1']);
      vi.advanceTimersByTime(500);
      expect(delivered).toEqual(['a:1', 'a:4', 'a:5']);
      expect(gaps).toEqual([['a', [2, 3]]]);
      instance.push(step('a', 3));
      expect(delivered).toEqual(['a:1', 'a:4', 'a:5']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits once for earlier events when it joins a run in the middle', () => {
    vi.useFakeTimers();
    try {
      const { instance, delivered, gaps } = orderer(500);
      instance.push(step('a', 7));
      instance.push(step('a', 6));
      expect(delivered).toEqual([]);
      vi.advanceTimersByTime(500);
      expect(delivered).toEqual(['a:6', 'a:7']);
      expect(gaps).toEqual([]);
      instance.push(step('a', 8));
      expect(delivered).toEqual(['a:6', 'a:7', 'a:8']);
    } finally {
      vi.useRealTimers();
    }
  });
});
