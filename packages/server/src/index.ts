/**
 * @agentry/server: the HTTP API of an Agentry runtime (OpenAPI 3.1, SSE events, approvals across
 * runs, bearer tokens with roles) and the server of the web console.
 * @module
 */
export {
  type ApiToken,
  isRole,
  MIN_TOKEN_LENGTH,
  ROLES,
  type Role,
  roleAllows,
  tokensFromEnv,
} from './auth.js';
export { CONSOLE_CSP, defaultConsoleDir } from './console-assets.js';
export { type AgentryServer, createServer, type ServerOptions } from './create-server.js';
export { isLoopback, type ListenOptions, type Listening, listen, UnsafeBindError } from './listen.js';
export type { ServedConfig } from './routes/agents.js';
export type { RuntimeSource } from './server-context.js';
export { openApiDocument, renderApiReference } from './docs/api-reference.js';
