/**
 * OAuth for streamable HTTP MCP servers: the `auth` config of the `mcp` tool source and an
 * `OAuthClientProvider` (the MCP SDK's client auth) that keeps client registration and tokens in the
 * Agentry store, tells the redactor every token it sees, and never waits for a person unless asked to.
 */
import { randomBytes } from 'node:crypto';
import { type JsonObject, type Redactor, type Store, ToolError } from '@agentry/core';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { z } from 'zod';

/** The `auth` block of an `mcp` tool source with a `url`. */
export const mcpAuthConfigSchema = z
  .object({
    grant: z
      .enum(['authorization_code', 'client_credentials'])
      .default('authorization_code')
      .describe(
        'authorization_code: a person signs in once with `agentry mcp login <server>`; runs use (and refresh) the stored tokens. client_credentials: the client authenticates itself, no person involved (workers).',
      ),
    clientId: z
      .string()
      .min(1)
      .optional()
      .describe('Pre-registered client id; without it the client registers itself (dynamic registration).'),
    clientSecret: z
      .string()
      .min(1)
      .optional()
      .meta({ secret: true })
      .describe('Secret of the pre-registered client (secret).'),
    clientMetadataUrl: z
      .url()
      .optional()
      .describe(
        'HTTPS URL of a client ID metadata document, used as client id where the server supports it.',
      ),
    scope: z.string().min(1).optional().describe('Scopes to ask for when the server does not say which.'),
    redirectUri: z
      .url()
      .default('http://127.0.0.1:33418/callback')
      .describe('Where `agentry mcp login` listens for the browser to come back (a loopback address).'),
  })
  .strict();

/** Parsed `auth` config. */
export type McpAuthConfig = z.output<typeof mcpAuthConfigSchema>;

/** What is kept per server in the store (namespace `mcp-oauth`, key: the server URL). */
interface StoredAuth {
  client?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  discovery?: OAuthDiscoveryState;
  /** Set when a run needed a new authorization (e.g. a wider scope); the next login asks for it. */
  pending?: { scope?: string };
}

const NAMESPACE = 'mcp-oauth';

/** Options of `StoreOAuthProvider`. */
export interface StoreOAuthProviderOptions {
  /** Server name, for messages. */
  readonly server: string;
  readonly url: string;
  readonly auth: McpAuthConfig;
  readonly store: Store;
  readonly redactor: Redactor;
  /**
   * Sends a person to the authorization page (`agentry mcp login`). Without it, a flow that needs a
   * person fails with a `tool.failed` that says to log in.
   */
  readonly authorize?: (authorizationUrl: URL) => void | Promise<void>;
  /** The `state` sent with an authorization request, checked when the browser comes back. */
  readonly state?: string;
}

/**
 * The SDK's OAuth client provider over the Agentry store. Runs read tokens saved by `agentry mcp login`
 * (or fetch them with client credentials) and refresh them; the record is shared by every process on the
 * same store, so a worker uses what a login on another machine saved.
 */
export class StoreOAuthProvider implements OAuthClientProvider {
  /** Declared as the SDK declares it: absent unless configured. */
  readonly clientMetadataUrl?: string;
  #verifier: string | undefined;
  readonly #options: StoreOAuthProviderOptions;

  constructor(options: StoreOAuthProviderOptions) {
    this.#options = options;
    if (options.auth.clientMetadataUrl !== undefined) this.clientMetadataUrl = options.auth.clientMetadataUrl;
    if (options.auth.clientSecret !== undefined) options.redactor.addSecret(options.auth.clientSecret);
  }

  get #clientCredentials(): boolean {
    return this.#options.auth.grant === 'client_credentials';
  }

  /** No redirect for client credentials: the SDK then takes the non-interactive path. */
  get redirectUrl(): string | undefined {
    return this.#clientCredentials ? undefined : this.#options.auth.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    const { auth } = this.#options;
    return {
      client_name: 'Agentry',
      redirect_uris: this.#clientCredentials ? [] : [auth.redirectUri],
      grant_types: this.#clientCredentials ? ['client_credentials'] : ['authorization_code', 'refresh_token'],
      response_types: this.#clientCredentials ? [] : ['code'],
      token_endpoint_auth_method: auth.clientSecret === undefined ? 'none' : 'client_secret_basic',
      ...(auth.scope === undefined ? {} : { scope: auth.scope }),
    };
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const { clientId, clientSecret } = this.#options.auth;
    const stored = (await this.#read()).client;
    if (clientId === undefined) return stored;
    // A pre-registered client keeps the issuer the SDK stamped on it once it was used.
    const issuer = stored?.client_id === clientId ? (stored as { issuer?: string }).issuer : undefined;
    return {
      client_id: clientId,
      ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
      ...(issuer === undefined ? {} : { issuer }),
    } as OAuthClientInformationMixed;
  }

  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    if ('client_secret' in client && typeof client.client_secret === 'string') {
      this.#options.redactor.addSecret(client.client_secret);
    }
    await this.#update({ client });
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    const { tokens } = await this.#read();
    if (tokens !== undefined) this.#redact(tokens);
    return tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.#redact(tokens);
    const { pending: _, ...record } = await this.#read();
    await this.#write({ ...record, tokens });
  }

  /** The authorization a run asked for and could not get by itself (see `redirectToAuthorization`). */
  async pendingAuthorization(): Promise<{ scope?: string } | undefined> {
    return (await this.#read()).pending;
  }

  /**
   * With a person (`authorize`), sends them to the page. Without one, notes what was asked for (the scope
   * of a step-up) for the next `agentry mcp login`, and fails saying to log in.
   */
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (this.#options.authorize !== undefined) return this.#options.authorize(authorizationUrl);
    const scope = authorizationUrl.searchParams.get('scope');
    await this.#update({ pending: scope === null ? {} : { scope } });
    throw new ToolError('tool.failed', {
      message: `MCP server "${this.#options.server}" needs authorization and no valid token is stored for it`,
      hint: `Run \`agentry mcp login ${this.#options.server}\` once (it signs in through the browser and keeps the token in the store), or configure \`auth: { grant: client_credentials, clientId, clientSecret }\` for a client without a person.`,
      retryable: false,
    });
  }

  state(): string {
    return this.#options.state ?? randomBytes(16).toString('hex');
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (this.#verifier === undefined)
      throw new Error('no authorization is under way (no PKCE code verifier)');
    return this.#verifier;
  }

  /** Client credentials ask the token endpoint directly; otherwise the SDK's authorization code exchange runs. */
  prepareTokenRequest(scope?: string): URLSearchParams | undefined {
    if (!this.#clientCredentials) return undefined;
    const params = new URLSearchParams({ grant_type: 'client_credentials' });
    const wanted = scope ?? this.#options.auth.scope;
    if (wanted !== undefined) params.set('scope', wanted);
    return params;
  }

  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    await this.#update({ discovery });
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.#read()).discovery;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier' || scope === 'all') this.#verifier = undefined;
    if (scope === 'verifier') return;
    if (scope === 'all') {
      await this.#options.store.delete(NAMESPACE, this.#options.url);
      return;
    }
    const { [scope]: _, ...rest } = await this.#read();
    await this.#write(rest);
  }

  #redact(tokens: OAuthTokens): void {
    this.#options.redactor.addSecret(tokens.access_token);
    if (tokens.refresh_token !== undefined) this.#options.redactor.addSecret(tokens.refresh_token);
  }

  async #read(): Promise<StoredAuth> {
    return ((await this.#options.store.get(NAMESPACE, this.#options.url)) as StoredAuth | undefined) ?? {};
  }

  async #update(change: StoredAuth): Promise<void> {
    await this.#write({ ...(await this.#read()), ...change });
  }

  async #write(record: StoredAuth): Promise<void> {
    await this.#options.store.set(
      NAMESPACE,
      this.#options.url,
      JSON.parse(JSON.stringify(record)) as JsonObject,
    );
  }
}
