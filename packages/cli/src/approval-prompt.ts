/** Inline decisions on a terminal: allow, deny with a reason, edit input, or always allow a tool for this run. */
import { createInterface, type Interface } from 'node:readline';
import type { Decision, JsonValue, PendingCall } from '@agentry/core';
import type { CliReader, CliWriter } from './io.js';
import { shortJson } from './render/format.js';
import type { Style } from './render/style.js';

/** Reads answers line by line; `undefined` once the input ended or the reader was closed. */
export class LineReader {
  readonly #interface: Interface;
  readonly #lines: string[] = [];
  readonly #waiting: ((line: string | undefined) => void)[] = [];
  #closed = false;

  constructor(input: CliReader) {
    this.#interface = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
    this.#interface.on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter === undefined) this.#lines.push(line);
      else waiter(line);
    });
    this.#interface.on('close', () => this.close());
  }

  /** The next line. */
  next(): Promise<string | undefined> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Answers pending questions with `undefined` but keeps reading (Ctrl-C during a prompt). */
  interrupt(): void {
    for (const waiter of this.#waiting.splice(0)) waiter(undefined);
  }

  /** Stops reading; pending questions get `undefined`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#interface.close();
    for (const waiter of this.#waiting.splice(0)) waiter(undefined);
  }
}

/** Where prompts are written and answers read. */
export interface PromptIo {
  reader: LineReader;
  writer: CliWriter;
  style: Style;
  /** Checks edited input against the tool's schema: what is wrong with it, or `undefined` when it fits. */
  checkInput?(call: PendingCall, input: JsonValue): Promise<string | undefined>;
}

async function ask(io: PromptIo, question: string): Promise<string | undefined> {
  io.writer.write(question);
  const answer = await io.reader.next();
  return answer?.trim();
}

async function askJson(io: PromptIo, question: string, initial?: JsonValue): Promise<JsonValue | undefined> {
  if (initial !== undefined) io.writer.write(`  ${io.style.dim(`current: ${JSON.stringify(initial)}`)}\n`);
  for (;;) {
    const answer = await ask(io, question);
    if (answer === undefined) return undefined;
    try {
      return JSON.parse(answer) as JsonValue;
    } catch (error) {
      io.writer.write(`  ${io.style.red(`not JSON: ${(error as Error).message}`)} — type it on one line\n`);
    }
  }
}

/** Asks for one decision on a call waiting for approval; `undefined` when the input ended. */
async function decideApproval(io: PromptIo, call: PendingCall): Promise<Decision | undefined> {
  const { style } = io;
  io.writer.write(
    `\n${style.yellow('?')} ${style.bold(call.tool)} wants to run with ${shortJson(call.input, 400)}\n`,
  );
  for (;;) {
    const answer = await ask(
      io,
      `  ${style.bold('a')}llow · ${style.bold('d')}eny · ${style.bold('e')}dit input · al${style.bold('w')}ays allow ${call.tool} in this run ${style.dim('[a/d/e/w]')} › `,
    );
    if (answer === undefined) return undefined;
    switch (answer.toLowerCase()) {
      case 'a':
      case 'allow':
      case 'y':
      case 'yes':
        return { approve: true, inputHash: call.inputHash };
      case 'w':
      case 'always':
        return { approve: true, inputHash: call.inputHash, sticky: true };
      case 'd':
      case 'deny':
      case 'n':
      case 'no': {
        const reason = await ask(io, '  reason (the model is told) › ');
        if (reason === undefined) return undefined;
        return {
          approve: false,
          inputHash: call.inputHash,
          reason: reason === '' ? 'Denied by the user' : reason,
        };
      }
      case 'e':
      case 'edit': {
        let initial = call.input;
        for (;;) {
          const input = await askJson(io, '  new input (JSON) › ', initial);
          if (input === undefined) return undefined;
          const problem = await io.checkInput?.(call, input);
          if (problem === undefined) return { approve: true, inputHash: call.inputHash, input };
          io.writer.write(
            `  ${style.red(`does not match the input schema of ${call.tool}:`)}\n${problem.replace(/^/gm, '    ')}\n`,
          );
          initial = input;
        }
      }
      default:
        io.writer.write(`  ${style.dim('type a, d, e or w')}\n`);
    }
  }
}

/** Asks what to do with an unsafe call whose outcome is unknown after a crash. */
async function decideUnknown(io: PromptIo, call: PendingCall): Promise<Decision | undefined> {
  const { style } = io;
  io.writer.write(
    `\n${style.yellow('?')} ${style.bold(call.tool)} ${JSON.stringify(call.input)} started before a crash; its outcome is unknown\n`,
  );
  for (;;) {
    const answer = await ask(
      io,
      `  ${style.bold('r')}etry · ${style.bold('s')}kip with a result · ${style.bold('f')}ail the run ${style.dim('[r/s/f]')} › `,
    );
    if (answer === undefined) return undefined;
    switch (answer.toLowerCase()) {
      case 'r':
      case 'retry':
        return { outcome: 'retry' };
      case 's':
      case 'skip': {
        const result = await askJson(io, '  result to record (JSON) › ');
        return result === undefined ? undefined : { outcome: 'skip', result };
      }
      case 'f':
      case 'fail':
        return { outcome: 'fail', reason: 'Failed by the user' };
      default:
        io.writer.write(`  ${style.dim('type r, s or f')}\n`);
    }
  }
}

/** Asks for a decision on every pending call; `undefined` when the input ended before all were answered. */
export async function promptDecisions(
  io: PromptIo,
  pending: readonly PendingCall[],
): Promise<{ [callId: string]: Decision } | undefined> {
  const decisions: { [callId: string]: Decision } = {};
  const sticky = new Set<string>();
  for (const call of pending) {
    if (call.reason === 'approval' && sticky.has(call.tool)) {
      decisions[call.callId] = { approve: true, inputHash: call.inputHash, sticky: true };
      continue;
    }
    const decision =
      call.reason === 'approval' ? await decideApproval(io, call) : await decideUnknown(io, call);
    if (decision === undefined) return undefined;
    if ('approve' in decision && decision.approve && decision.sticky === true) sticky.add(call.tool);
    decisions[call.callId] = decision;
  }
  return decisions;
}
