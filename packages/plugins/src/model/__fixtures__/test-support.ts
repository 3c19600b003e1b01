/** Test support for model tests anywhere in the repo: fake OpenAI / Anthropic servers driven by a script of turns. */
export { startFakeAnthropicServer } from './fake-anthropic-server.js';
export { startFakeOpenAIServer } from './fake-openai-server.js';
export type { FakeServer, FakeToolCall, FakeTurn, FakeUsage, RecordedRequest } from './fake-server.js';
