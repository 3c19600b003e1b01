/** The Responses API half of the fake OpenAI server (`POST /v1/responses`, JSON and SSE). */
import type { ServerResponse } from 'node:http';
import { argumentText, type FakeTurn, type RecordedRequest, splitText, writeEvent } from './fake-server.js';

type AnswerTurn = Extract<FakeTurn, { type: 'text' | 'tool-calls' }>;

function usageOf(turn: AnswerTurn) {
  const usage = turn.usage ?? { inputTokens: 10, outputTokens: 5 };
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** Writes one scripted answer in the Responses API format. */
export function renderResponsesTurn(
  turn: AnswerTurn,
  request: RecordedRequest,
  response: ServerResponse,
): void {
  const model = typeof request.body.model === 'string' ? request.body.model : 'fake-model';
  const text = turn.type === 'text' ? turn.text : (turn.text ?? '');
  const calls = turn.type === 'tool-calls' ? turn.toolCalls : [];
  const incomplete =
    turn.type === 'text' && turn.finishReason === 'length' ? { reason: 'max_output_tokens' } : null;
  const message = { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant' };
  const functionCall = (call: (typeof calls)[number], index: number, argumentsText: string) => ({
    type: 'function_call',
    id: `fc_${index}`,
    call_id: call.id,
    name: call.name,
    arguments: argumentsText,
    status: 'completed',
  });
  const output = [
    ...(text === '' ? [] : [{ ...message, content: [{ type: 'output_text', text, annotations: [] }] }]),
    ...calls.map((call, index) => functionCall(call, index, argumentText(call))),
  ];
  const body = {
    id: 'resp_1',
    object: 'response',
    created_at: 1_700_000_000,
    status: incomplete ? 'incomplete' : 'completed',
    model,
    output,
    incomplete_details: incomplete,
    usage: usageOf(turn),
  };
  if (request.body.stream !== true) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sequence = 0;
  const send = (data: Record<string, unknown>) =>
    writeEvent(response, { ...data, sequence_number: sequence++ });
  send({ type: 'response.created', response: { ...body, status: 'in_progress', output: [], usage: null } });
  let outputIndex = 0;
  if (text !== '') {
    send({
      type: 'response.output_item.added',
      output_index: outputIndex,
      item: { ...message, content: [] },
    });
    const pieces = turn.type === 'text' && turn.chunks !== undefined ? turn.chunks : splitText(text, 3);
    for (const delta of pieces) {
      send({
        type: 'response.output_text.delta',
        item_id: 'msg_1',
        output_index: outputIndex,
        content_index: 0,
        delta,
      });
    }
    send({ type: 'response.output_item.done', output_index: outputIndex, item: output[0] });
    outputIndex += 1;
  }
  calls.forEach((call, index) => {
    const item = functionCall(call, index, '');
    send({
      type: 'response.output_item.added',
      output_index: outputIndex,
      item: { ...item, status: 'in_progress' },
    });
    for (const delta of call.fragments ?? splitText(argumentText(call), 2)) {
      send({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: outputIndex,
        delta,
      });
    }
    send({
      type: 'response.output_item.done',
      output_index: outputIndex,
      item: functionCall(call, index, argumentText(call)),
    });
    outputIndex += 1;
  });
  send({ type: incomplete ? 'response.incomplete' : 'response.completed', response: body });
  response.end();
}
