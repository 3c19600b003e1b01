/** What every route handler shares: the runtime being served, runs started here, and decisions not yet complete. */
import type { Logger, Redactor, RunRecord, RunResult, Runtime } from '@agentry/core';
import { createRedactor, silentLogger } from '@agentry/core';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Role } from './auth.js';
import { DecisionBook } from './decision-book.js';
import { RunListCache } from './run-list-cache.js';

/** The runtime a server serves, when it can change while the server runs (`agentry dev`). */
export interface RuntimeSource {
  /** The runtime new requests use. */
  current(): Runtime;
  /** Why the config being served could not be loaded, with file:line; shown as a banner by the console. */
  configError?(): string | undefined;
  /** Calls `listener` after the runtime changed; returns a function that removes it. */
  onChange?(listener: () => void): () => void;
}

/** Hono variables of one request. */
export type ApiEnv = { Variables: { role: Role } };
export type ApiApp = OpenAPIHono<ApiEnv>;

/** Shared state of one server. */
export class ServerContext {
  readonly redactor: Redactor;
  readonly logger: Logger;
  /** Runs this server started or resumed, until they end: cancel reaches them, shutdown waits for them. */
  readonly driving = new Map<string, Promise<RunResult | undefined>>();
  /** Decisions on some pending calls of a run, kept in the store until every pending call of it is decided. */
  readonly decisions = new DecisionBook();
  /** Whether each runtime's queue is shared with workers elsewhere (asked once per runtime). */
  private readonly shared = new WeakMap<Runtime, Promise<boolean>>();
  /** Run lists shared by pages, the inbox and metrics for a moment (see `RunListCache`). */
  readonly runLists = new RunListCache();

  constructor(
    private readonly source: RuntimeSource,
    options: { redactor?: Redactor; logger?: Logger },
  ) {
    this.redactor = options.redactor ?? createRedactor();
    this.logger = options.logger ?? silentLogger;
  }

  get runtime(): Runtime {
    return this.source.current();
  }

  /**
   * True when the runtime's queue is shared with workers in other processes (`bullmq`): runs are then
   * enqueued, and continued through the queue, instead of being driven by this server.
   */
  sharedQueue(runtime: Runtime): Promise<boolean> {
    let answer = this.shared.get(runtime);
    if (!answer) {
      answer = runtime.queueStatus().then((status) => status.inProcess === false);
      answer.catch(() => this.shared.delete(runtime));
      this.shared.set(runtime, answer);
    }
    return answer;
  }

  /** True when a worker of the shared queue can continue this run (durable, top-level, resumable). */
  async continuesOnQueue(runtime: Runtime, record: RunRecord): Promise<boolean> {
    const resumable =
      record.status === 'suspended' ||
      record.status === 'interrupted' ||
      (record.status === 'failed' && record.error?.retryable === true);
    return (
      resumable && record.durable && record.parentRunId === undefined && (await this.sharedQueue(runtime))
    );
  }

  configError(): string | undefined {
    return this.source.configError?.();
  }

  /** Calls `listener` once the runtime is replaced (open streams then end with a `reconnect` message). */
  onRuntimeChange(listener: () => void): () => void {
    return this.source.onChange?.(listener) ?? (() => undefined);
  }

  /** Keeps a run's promise until it settles; a failure to drive it is logged, never unhandled. */
  track(runId: string, promise: Promise<RunResult>): void {
    const settled = promise.then(
      (result) => result,
      (error: unknown) => {
        this.logger.warn(`run ${runId} stopped with an error: ${this.redactor.redactText(String(error))}`);
        return undefined;
      },
    );
    this.driving.set(runId, settled);
    void settled.then(() => {
      if (this.driving.get(runId) === settled) this.driving.delete(runId);
    });
  }
}
