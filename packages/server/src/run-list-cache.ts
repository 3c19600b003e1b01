/**
 * Run lists by filter, kept for a moment: a console refreshing a page, or many consoles on the same page,
 * read the store once. A list is dropped when the bus reports a run starting, suspending, resuming
 * or ending, and after `ttlMs` in any case (runs of other processes without a shared bus, usage of
 * running runs).
 */
import type { RunFilter, RunRecord, Runtime } from '@agentry/core';

export class RunListCache {
  private readonly lists = new Map<string, { at: number; records: Promise<RunRecord[]> }>();
  private readonly attached = new WeakSet<Runtime>();
  private current: Runtime | undefined;

  constructor(
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records matching `filter`, newest first, as `runtime.runs.list` gives them. */
  list(runtime: Runtime, filter: RunFilter): Promise<RunRecord[]> {
    this.watch(runtime);
    const key = JSON.stringify([
      filter.agentId,
      filter.status,
      filter.sessionId,
      filter.parentRunId,
      filter.since,
      filter.until,
      filter.after?.runId,
      filter.after?.createdAt,
      filter.limit,
    ]);
    const cached = this.lists.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.records;
    const records = runtime.runs.list(filter);
    this.lists.set(key, { at: this.now(), records });
    records.catch(() => this.lists.delete(key));
    return records;
  }

  private watch(runtime: Runtime): void {
    if (this.current !== runtime) {
      this.current = runtime;
      this.lists.clear();
    }
    if (this.attached.has(runtime)) return;
    this.attached.add(runtime);
    runtime.events.onAny((event) => {
      if (event.type.startsWith('run.')) this.lists.clear();
    });
  }
}
