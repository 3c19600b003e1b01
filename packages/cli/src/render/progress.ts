/**
 * Live progress of a run from its events: one line per model call and tool call, the model's text (as it
 * streams on a terminal, as plain lines otherwise), checkpoint marks with `--verbose`, and a spinner on a
 * terminal. Plain lines, no escape codes, when not a terminal. Steps are numbered from 1, as in events.
 */
import type { AnyAgentryEvent, JsonValue } from '@agentry/core';
import type { CliWriter } from '../io.js';
import { afterSteps, formatDuration, shortJson } from './format.js';
import type { Style } from './style.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Options of the progress view. */
export interface ProgressOptions {
  writer: CliWriter;
  style: Style;
  /** Spinner and line rewriting (only on a terminal). */
  live: boolean;
  /**
   * How the model's text is shown: `stream` as `model.delta` events arrive (a terminal), `lines` once per
   * response as plain lines (pipes, CI logs), `none` not at all. Default `lines`.
   */
  modelText?: 'stream' | 'lines' | 'none';
  /** Show a `◆ checkpoint` mark per saved checkpoint (`--verbose`); default false. */
  checkpoints?: boolean;
  redact(text: string): string;
}

/** The model text being streamed: which run and step it belongs to. */
interface OpenStream {
  runId: string;
  step: number;
}

/** Renders the events of one run (and its child runs) as progress lines. */
export class ProgressView {
  readonly #options: ProgressOptions;
  readonly #inputs = new Map<string, JsonValue>();
  readonly #runs = new Set<string>();
  #mainRunId: string | undefined;
  #status = 'starting';
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  #spinnerShown = false;
  #stream: OpenStream | undefined;

  constructor(options: ProgressOptions) {
    this.#options = options;
  }

  /** The id of the run being shown, once its `run.started` event arrived. */
  get runId(): string | undefined {
    return this.#mainRunId;
  }

  /** Follows an already known run (resume). */
  follow(runId: string): void {
    this.#mainRunId = runId;
    this.#runs.add(runId);
  }

  /** Starts the spinner (terminal only). */
  start(): void {
    if (!this.#options.live || this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#drawSpinner(), 80);
    this.#timer.unref();
  }

  /** Stops the spinner and clears its line (and ends streamed text). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#endStream();
    this.#clearSpinner();
  }

  /** Writes a line above the spinner. */
  line(text: string): void {
    this.#endStream();
    this.#clearSpinner();
    this.#options.writer.write(`${this.#options.redact(text)}\n`);
    if (this.#timer !== undefined) this.#drawSpinner();
  }

  /** Handles one event of any run; events of unrelated runs are ignored. */
  handle(event: AnyAgentryEvent): void {
    if (event.type === 'run.started') {
      const parent = event.data.parentRunId;
      if (this.#mainRunId === undefined && parent === undefined) {
        this.#mainRunId = event.runId;
        this.#runs.add(event.runId);
      } else if (parent !== undefined && this.#runs.has(parent)) {
        this.#runs.add(event.runId);
      }
    }
    if (!this.#runs.has(event.runId)) return;
    if (event.type === 'model.delta') {
      this.#delta(event.runId, event.data.step, event.data.text);
      return;
    }
    const text = this.#describe(event);
    if (text !== undefined) {
      const indent = event.runId === this.#mainRunId ? '' : '    ';
      this.line(`${indent}${text}`);
    }
  }

  #describe(event: AnyAgentryEvent): string | undefined {
    const { style } = this.#options;
    const sub = event.runId === this.#mainRunId ? '' : style.dim(`[${event.agentId}] `);
    switch (event.type) {
      case 'run.started':
        this.#status = 'running';
        return `${sub}${style.bold('▶')} ${event.agentId} ${style.dim(event.runId)}${event.data.durable ? style.dim(' (durable)') : ''}`;
      case 'run.resumed':
        this.#status = 'resumed';
        return `${sub}${style.bold('▶')} resumed ${afterSteps(event.data.fromStep)} ${style.dim(`(${event.data.reason})`)}`;
      case 'model.requested':
        this.#status = `step ${event.data.step}: waiting for the model`;
        return undefined;
      case 'model.responded': {
        this.#status = 'working';
        if ((this.#options.modelText ?? 'lines') === 'lines' && event.data.text.trim() !== '')
          this.line(this.#textLines(event.runId, event.data.step, event.data.text));
        const calls = event.data.toolCalls.length;
        const tokens = `${event.data.usage.totalTokens} tokens`;
        const what = calls > 0 ? `${calls} tool call${calls === 1 ? '' : 's'}` : event.data.finishReason;
        return `${sub}  ${style.cyan('model')} step ${event.data.step} · ${what} · ${tokens} · ${formatDuration(event.data.durationMs)}`;
      }
      case 'model.failed':
        return `${sub}  ${style.red('model')} step ${event.data.step} failed: ${event.data.error.message} ${style.dim(`[${event.data.error.code}]`)}`;
      case 'tool.requested':
        this.#inputs.set(event.data.callId, event.data.input);
        this.#status = `running ${event.data.tool}`;
        return undefined;
      case 'tool.succeeded':
        this.#status = 'working';
        return `${sub}  ${style.magenta('tool')}  ${this.#call(event.data.callId, event.data.tool)} · ${formatDuration(event.data.durationMs)} · ${style.green(event.data.replayed ? 'ok (replayed)' : 'ok')}`;
      case 'tool.failed':
        return `${sub}  ${style.magenta('tool')}  ${this.#call(event.data.callId, event.data.tool)} · ${formatDuration(event.data.durationMs)} · ${style.red(`failed: ${event.data.error.message}`)}`;
      case 'tool.approval_requested':
        this.#inputs.set(event.data.callId, event.data.input);
        return `${sub}  ${style.magenta('tool')}  ${this.#call(event.data.callId, event.data.tool)} · ${style.yellow('needs approval')}`;
      case 'tool.approved':
        return `${sub}  ${style.magenta('tool')}  ${event.data.tool} · ${style.green(`approved${event.data.edited ? ' (edited)' : ''}${event.data.sticky ? ' (always)' : ''}`)}`;
      case 'tool.denied':
        return `${sub}  ${style.magenta('tool')}  ${this.#call(event.data.callId, event.data.tool)} · ${style.yellow(`denied: ${event.data.reason}`)}`;
      case 'checkpoint.saved':
        if (this.#options.checkpoints !== true) return undefined;
        return `${sub}  ${style.dim(`◆ checkpoint ${afterSteps(event.data.step)} (${event.data.bytes} bytes)`)}`;
      case 'budget.exceeded':
        return `${sub}  ${style.yellow(`budget ${event.data.limit} exceeded: ${event.data.used} of ${event.data.max}`)}`;
      case 'memory.failed':
        return `${sub}  ${style.yellow(`memory ${event.data.memory} ${event.data.phase} failed: ${event.data.error.message}`)}`;
      case 'run.suspended':
      case 'run.completed':
      case 'run.failed':
      case 'run.cancelled':
        this.#status = event.type.slice(4);
        return sub === '' ? undefined : `${sub}${event.type.slice(4)}`;
      default:
        return undefined;
    }
  }

  #call(callId: string, tool: string): string {
    const input = this.#inputs.get(callId);
    return input === undefined ? tool : `${tool} ${this.#options.style.dim(shortJson(input))}`;
  }

  /** A whole response text under its `model step N ›` head, continuation lines indented. */
  #textLines(runId: string, step: number, text: string): string {
    const indent = runId === this.#mainRunId ? '' : '    ';
    const head = `${indent}  ${this.#options.style.cyan('model')} step ${step} ${this.#options.style.dim('›')} `;
    return `${head}${text.trim().replaceAll('\n', `\n${indent}    `)}`;
  }

  /** Appends streamed model text under a `model step N ›` head (one head per run and step). */
  #delta(runId: string, step: number, text: string): void {
    if (this.#options.modelText !== 'stream' || text === '') return;
    const open = this.#stream;
    const { style, writer } = this.#options;
    const indent = runId === this.#mainRunId ? '' : '    ';
    if (open === undefined || open.runId !== runId || open.step !== step) {
      this.#endStream();
      this.#clearSpinner();
      writer.write(`${indent}  ${style.cyan('model')} step ${step} ${style.dim('›')} `);
      this.#stream = { runId, step };
    }
    writer.write(this.#options.redact(text).replaceAll('\n', `\n${indent}    `));
  }

  /** Ends the line of streamed text, if one is open. */
  #endStream(): void {
    if (this.#stream === undefined) return;
    this.#stream = undefined;
    this.#options.writer.write('\n');
  }

  #drawSpinner(): void {
    if (this.#stream !== undefined) return;
    const frame = FRAMES[this.#frame++ % FRAMES.length];
    this.#options.writer.write(`\r\x1b[2K${this.#options.style.cyan(frame ?? '')} ${this.#status}`);
    this.#spinnerShown = true;
  }

  #clearSpinner(): void {
    if (!this.#spinnerShown) return;
    this.#options.writer.write('\r\x1b[2K');
    this.#spinnerShown = false;
  }
}
