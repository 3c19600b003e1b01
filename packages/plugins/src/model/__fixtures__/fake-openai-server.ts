/** A local fake of OpenAI's Chat Completions API (JSON and SSE streaming, tool calls, usage, error statuses). */
import type { ServerResponse } from 'node:http';
import { renderResponsesTurn } from './fake-openai-responses.js';
import {
  argumentText,
  type FakeServer,
  type FakeTurn,
  type RecordedRequest,
  splitText,
  startScriptedServer,
  type TurnRenderer,
  writeEvent,
} from './fake-server.js';

const CREATED = 1_700_000_000;

function usageOf(turn: { usage?: { inputTokens: number; outputTokens: number } }) {
  const usage = turn.usage ?? { inputTokens: 10, outputTokens: 5 };
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function modelOf(request: RecordedRequest): string {
  return typeof request.body.model === 'string' ? request.body.model : 'fake-model';
}

function renderError(
  turn: { status: number; headers?: Record<string, string>; message?: string },
  response: ServerResponse,
) {
  response.writeHead(turn.status, { 'content-type': 'application/json', ...turn.headers });
  response.end(
    JSON.stringify({
      error: {
        message: turn.message ?? `fake error ${turn.status}`,
        type: 'fake_error',
        param: null,
        code: null,
      },
    }),
  );
}

const renderOpenAI: TurnRenderer = (turn, request, response) => {
  if (turn.type === 'error') return renderError(turn, response);
  if (request.path.endsWith('/responses')) return renderResponsesTurn(turn, request, response);
  const model = modelOf(request);
  const base = { id: `chatcmpl-${request.path.length}`, created: CREATED, model };
  const toolCalls = turn.type === 'tool-calls' ? turn.toolCalls : [];
  const text = turn.type === 'text' ? turn.text : (turn.text ?? '');
  const finishReason = turn.type === 'tool-calls' ? 'tool_calls' : (turn.finishReason ?? 'stop');
  if (request.body.stream !== true) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text === '' && toolCalls.length > 0 ? null : text,
              ...(toolCalls.length === 0
                ? {}
                : {
                    tool_calls: toolCalls.map((call) => ({
                      id: call.id,
                      type: 'function',
                      function: { name: call.name, arguments: argumentText(call) },
                    })),
                  }),
            },
            finish_reason: finishReason,
          },
        ],
        usage: usageOf(turn),
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: unknown, finish: string | null = null) =>
    writeEvent(response, {
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  chunk({ role: 'assistant', content: '' });
  const pieces =
    turn.type === 'text' && turn.chunks !== undefined ? turn.chunks : text === '' ? [] : splitText(text, 3);
  for (const piece of pieces) chunk({ content: piece });
  if (turn.type === 'text' && turn.open === true) return;
  toolCalls.forEach((call, index) => {
    const fragments = call.fragments ?? splitText(argumentText(call), 2);
    chunk({
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    });
    for (const fragment of fragments) chunk({ tool_calls: [{ index, function: { arguments: fragment } }] });
  });
  chunk({}, finishReason);
  const streamOptions = request.body.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage === true) {
    writeEvent(response, { ...base, object: 'chat.completion.chunk', choices: [], usage: usageOf(turn) });
  }
  writeEvent(response, '[DONE]');
  response.end();
};

/**
 * Starts a fake OpenAI server on 127.0.0.1 (ephemeral port) that speaks the
 * Chat Completions API (`/v1/chat/completions`) and the Responses API (`/v1/responses`).
 * Point a model's `baseURL` at `server.baseURL` (it ends in `/v1`). Each
 * request consumes the next turn of `script`; `stream: true` requests get SSE
 * chunks (usage only when `stream_options.include_usage` is set).
 *
 * @example
 * ```ts
 * const server = await startFakeOpenAIServer({ script: [{ type: 'text', text: 'Hello' }] });
 * const model = new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: 'test', baseURL: server.baseURL });
 * ```
 */
export function startFakeOpenAIServer(options: { script?: FakeTurn[] } = {}): Promise<FakeServer> {
  return startScriptedServer({ script: options.script ?? [], basePath: '/v1', render: renderOpenAI });
}
