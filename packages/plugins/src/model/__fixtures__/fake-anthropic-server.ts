/** A local fake of Anthropic's Messages API (JSON and the SSE event stream, tool use, usage, error statuses). */
import type { ServerResponse } from 'node:http';
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

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

function renderError(
  turn: { status: number; headers?: Record<string, string>; message?: string },
  response: ServerResponse,
) {
  response.writeHead(turn.status, { 'content-type': 'application/json', ...turn.headers });
  response.end(
    JSON.stringify({
      type: 'error',
      error: { type: errorType(turn.status), message: turn.message ?? 'fake error' },
    }),
  );
}

function modelOf(request: RecordedRequest): string {
  return typeof request.body.model === 'string' ? request.body.model : 'fake-claude';
}

const renderAnthropic: TurnRenderer = (turn, request, response) => {
  if (turn.type === 'error') return renderError(turn, response);
  const usage = turn.usage ?? { inputTokens: 10, outputTokens: 5 };
  const toolCalls = turn.type === 'tool-calls' ? turn.toolCalls : [];
  const text = turn.type === 'text' ? turn.text : (turn.text ?? '');
  const stopReason =
    turn.type === 'tool-calls' ? 'tool_use' : turn.finishReason === 'length' ? 'max_tokens' : 'end_turn';
  const message = {
    id: `msg_${request.path.length}`,
    type: 'message',
    role: 'assistant',
    model: modelOf(request),
  };
  if (request.body.stream !== true) {
    const content: unknown[] = text === '' ? [] : [{ type: 'text', text }];
    for (const call of toolCalls) {
      content.push({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(argumentText(call)) });
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        ...message,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (type: string, data: Record<string, unknown>) => writeEvent(response, { type, ...data }, type);
  send('message_start', {
    message: {
      ...message,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.inputTokens, output_tokens: 1 },
    },
  });
  let index = 0;
  if (text !== '') {
    send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    const pieces = turn.type === 'text' && turn.chunks !== undefined ? turn.chunks : splitText(text, 3);
    for (const piece of pieces)
      send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    send('content_block_stop', { index });
    index += 1;
  }
  for (const call of toolCalls) {
    send('content_block_start', {
      index,
      content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
    });
    for (const fragment of call.fragments ?? splitText(argumentText(call), 2)) {
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: fragment } });
    }
    send('content_block_stop', { index });
    index += 1;
  }
  send('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: usage.outputTokens },
  });
  send('message_stop', {});
  response.end();
};

/**
 * Starts a fake Anthropic Messages API server on 127.0.0.1 (ephemeral port);
 * `server.baseURL` ends in `/v1`. Each request consumes the next turn of `script`.
 */
export function startFakeAnthropicServer(options: { script?: FakeTurn[] } = {}): Promise<FakeServer> {
  return startScriptedServer({ script: options.script ?? [], basePath: '/v1', render: renderAnthropic });
}
