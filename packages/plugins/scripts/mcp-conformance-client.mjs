#!/usr/bin/env node
// Agentry's MCP client under the official conformance suite (@modelcontextprotocol/conformance, client
// mode): `conformance client --command "node packages/plugins/scripts/mcp-conformance-client.mjs"` runs it
// with the scenario's server URL as last argument, MCP_CONFORMANCE_SCENARIO and MCP_CONFORMANCE_CONTEXT.
// It loads an `mcp` tool source as a runtime does (createRuntime, a config slot `type: mcp`), and a driver
// model calls every tool the server offers once. Auth scenarios first sign in like `agentry mcp login`,
// with a headless "browser" that follows the authorization redirect back to the login's callback.
// Needs the built packages (`npx tsc -b`).
import { createServer } from 'node:net';
import { createRedactor, createRuntime, MemoryStore } from '@agentry/core';
import { loginMcpServer } from '@agentry/plugins/tool/mcp';

const serverUrl = process.argv.at(-1);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}');
/** The client ID metadata document URL the suite's authorization servers accept (SEP-991). */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

/** A free loopback port for the login callback. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The `auth` block a user would write for this scenario. */
async function authConfig() {
  if (!scenario.startsWith('auth/')) return undefined;
  const client =
    context.client_id === undefined
      ? {}
      : {
          clientId: context.client_id,
          ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
        };
  if (scenario.startsWith('auth/client-credentials')) return { grant: 'client_credentials', ...client };
  return {
    grant: 'authorization_code',
    ...client,
    ...(context.client_id === undefined ? { clientMetadataUrl: CLIENT_METADATA_URL } : {}),
    redirectUri: `http://127.0.0.1:${await freePort()}/callback`,
  };
}

/** Plays the person in the browser: the suite's authorization servers approve at once and redirect. */
async function headlessBrowser(authorizationUrl) {
  const approval = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = approval.headers.get('location');
  if (location === null)
    throw new Error(`the authorization page answered ${approval.status} without a redirect`);
  await fetch(location);
}

/** A model that calls every tool it is offered once (arguments from each tool's schema), then answers. */
function driverModel() {
  const sample = (schema) => {
    const properties = schema?.properties ?? {};
    return Object.fromEntries(
      Object.entries(properties).map(([name, property]) => {
        const type = property.type;
        return [
          name,
          type === 'number' || type === 'integer' ? 2 : type === 'boolean' ? true : 'conformance',
        ];
      }),
    );
  };
  const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
  return {
    kind: 'model',
    specVersion: 1,
    provider: 'conformance',
    modelId: 'driver',
    async generate(request) {
      if (request.messages.some((message) => message.role === 'tool') || request.tools.length === 0) {
        return { text: 'done', toolCalls: [], usage, finishReason: 'stop' };
      }
      const toolCalls = request.tools.map((tool, index) => ({
        id: `call_${index}`,
        name: tool.name,
        input: sample(tool.inputSchema),
      }));
      return { text: '', toolCalls, usage, finishReason: 'tool-calls' };
    },
  };
}

// One store for the logins and the runs, as a database outlives the processes that use it: each runtime
// gets a view whose close() leaves it open.
const store = new MemoryStore();
const sharedStore = new Proxy(store, {
  get(target, property) {
    if (property === 'close') return async () => {};
    const value = Reflect.get(target, property, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});
const redactor = createRedactor();
const auth = await authConfig();
const mcp = {
  url: serverUrl,
  server: 'conformance',
  approval: 'never',
  elicitation: 'defaults',
  requestTimeoutMs: 20_000,
};
if (auth !== undefined) mcp.auth = auth;
/** `agentry mcp login`'s flow, with the headless browser; a no-op when the stored token is enough. */
async function login() {
  if (auth?.grant !== 'authorization_code') return 'not needed';
  const target = { server: 'conformance', url: serverUrl, auth: { ...auth } };
  return loginMcpServer(target, { store, redactor, openUrl: headlessBrowser, timeoutMs: 15_000 });
}

/** One run of an agent whose only tools are the server's, as the runtime loads them. */
async function run() {
  const runtime = await createRuntime({
    config: { version: 1, agents: { client: { model: 'main', tools: [{ type: 'mcp', config: mcp }] } } },
    models: { main: driverModel() },
    store: sharedStore,
    redactor,
  });
  try {
    const result = await runtime.run({ agent: 'client', input: `conformance scenario ${scenario}` });
    console.log(`run ${result.status}: ${result.usage.toolCalls} tool call(s)`);
    return result;
  } finally {
    await runtime.close();
  }
}

console.log(`login: ${await login()}`);
let result = await run();
// A run that needed more authorization (a step-up) fails its tool call and notes what it needed; the user
// logs in again, which asks for exactly that, and runs again.
const again = await login();
console.log(`login again: ${again}`);
if (again === 'authorized') result = await run();
if (result.status !== 'completed') process.exitCode = 1;
