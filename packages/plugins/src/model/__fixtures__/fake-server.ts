/** The scripted HTTP server under the fake OpenAI and Anthropic servers: one scripted turn per request, on 127.0.0.1. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Token counts a fake turn reports. */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One tool call a fake turn produces. */
export interface FakeToolCall {
  id: string;
  name: string;
  /** Parsed arguments; serialised as JSON unless `rawArguments` is given. */
  input?: unknown;
  /** The exact argument text to send (use it for malformed JSON). */
  rawArguments?: string;
  /** How to split the argument text across stream chunks (defaults to 2 pieces). */
  fragments?: string[];
}

/** What the fake server does for one request. */
export type FakeTurn =
  | {
      type: 'text';
      text: string;
      chunks?: string[];
      usage?: FakeUsage;
      finishReason?: 'stop' | 'length';
      /** Chat Completions streams only: after the chunks the stream stays open (no finish) until the client stops it. */
      open?: boolean;
    }
  | { type: 'tool-calls'; text?: string; toolCalls: FakeToolCall[]; usage?: FakeUsage }
  | { type: 'error'; status: number; headers?: Record<string, string>; message?: string }
  /** Never answers; the request stays open until the client gives up. */
  | { type: 'hang' }
  /** Accepts the request, then destroys the connection (a connection reset). */
  | { type: 'reset' };

/** One request the fake server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What to configure as the model's `baseURL`. */
  readonly baseURL: string;
  /** Every request received so far, in order. */
  readonly requests: RecordedRequest[];
  /** Resolves once the `count`-th request (1-based) has arrived, with that request: a test's "the call is in flight". */
  received(count: number): Promise<RecordedRequest>;
  /** Resolves once the response to the `count`-th request is over: sent in full, or its connection closed. */
  finished(count: number): Promise<void>;
  /** Appends turns to the script. */
  push(...turns: FakeTurn[]): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Writes one scripted turn in a provider's protocol. */
export type TurnRenderer = (
  turn: Extract<FakeTurn, { type: 'text' | 'tool-calls' | 'error' }>,
  request: RecordedRequest,
  response: ServerResponse,
) => void;

/** Starts a scripted server; `basePath` is appended to the URL to give `baseURL` (e.g. `/v1`). */
export async function startScriptedServer(options: {
  script: FakeTurn[];
  basePath: string;
  render: TurnRenderer;
}): Promise<FakeServer> {
  const script = [...options.script];
  const requests: RecordedRequest[] = [];
  const waiting: { count: number; resolve: (request: RecordedRequest) => void }[] = [];
  const over: Promise<void>[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
    requests.push(recorded);
    over.push(new Promise((resolve) => response.once('close', () => resolve())));
    for (const waiter of waiting.filter((entry) => entry.count === requests.length)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(recorded);
    }
    const turn = script.shift();
    if (turn === undefined) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { message: 'fake server: script exhausted', type: 'server_error' } }),
      );
      return;
    }
    if (turn.type === 'hang') return;
    if (turn.type === 'reset') {
      request.socket.destroy();
      return;
    }
    options.render(turn, recorded, response);
  }

  function received(count: number): Promise<RecordedRequest> {
    const arrived = requests[count - 1];
    if (arrived !== undefined) return Promise.resolve(arrived);
    return new Promise((resolve) => waiting.push({ count, resolve }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}${options.basePath}`,
    requests,
    received,
    finished: async (count) => {
      await received(count);
      await over[count - 1];
    },
    push: (...turns) => {
      script.push(...turns);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Splits text into `count` roughly equal pieces (at least one). */
export function splitText(text: string, count = 2): string[] {
  if (text.length <= 1) return [text];
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(text.slice(index, index + size));
  return pieces;
}

/** The argument text of a fake tool call. */
export function argumentText(call: FakeToolCall): string {
  return call.rawArguments ?? JSON.stringify(call.input ?? {});
}

/** Writes one server-sent event. */
export function writeEvent(response: ServerResponse, data: unknown, event?: string): void {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  response.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`);
}
