/** The OAuth provider of the `mcp` tool source: what it keeps in the store, what it redacts, what it says. */
import { createRedactor, isAgentryError, MemoryStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { mcpAuthConfigSchema, StoreOAuthProvider } from './mcp-oauth.js';

const URL_ = 'https://mcp.example.com/mcp';

function provider(auth: Record<string, unknown> = {}, store = new MemoryStore()) {
  const redactor = createRedactor();
  const oauth = new StoreOAuthProvider({
    server: 'example',
    url: URL_,
    auth: mcpAuthConfigSchema.parse(auth),
    store,
    redactor,
  });
  return { oauth, redactor, store };
}

describe('StoreOAuthProvider', () => {
  it('keeps tokens in the store for the next process and redacts them', async () => {
    const { oauth, store } = provider();
    await oauth.saveTokens({
      access_token: 'at-123456789',
      refresh_token: 'rt-987654321',
      token_type: 'Bearer',
    });
    const later = provider({}, store);
    expect(await later.oauth.tokens()).toMatchObject({ access_token: 'at-123456789' });
    expect(later.redactor.redact('Bearer at-123456789 then rt-987654321')).not.toMatch(/at-123|rt-987/);
  });

  it('without a person, notes the scope a run asked for and says to log in', async () => {
    const { oauth } = provider();
    const url = new URL('https://auth.example.com/authorize?scope=mcp%3Abasic+mcp%3Awrite');
    const error = await oauth.redirectToAuthorization(url).catch((caught: unknown) => caught);
    expect(isAgentryError(error) && error.code).toBe('tool.failed');
    expect(error).toMatchObject({ retryable: false });
    expect((error as { hint: string }).hint).toContain('agentry mcp login example');
    expect(await oauth.pendingAuthorization()).toEqual({ scope: 'mcp:basic mcp:write' });
    await oauth.saveTokens({ access_token: 'wider-token-1', token_type: 'Bearer' });
    expect(await oauth.pendingAuthorization()).toBeUndefined();
  });

  it('asks the token endpoint directly for client credentials, with the configured client', async () => {
    const { oauth, redactor } = provider({
      grant: 'client_credentials',
      clientId: 'worker',
      clientSecret: 's3cr3t-value',
      scope: 'read',
    });
    expect(oauth.redirectUrl).toBeUndefined();
    expect(oauth.prepareTokenRequest()?.toString()).toBe('grant_type=client_credentials&scope=read');
    expect(await oauth.clientInformation()).toMatchObject({
      client_id: 'worker',
      client_secret: 's3cr3t-value',
    });
    expect(redactor.redact('secret s3cr3t-value')).not.toContain('s3cr3t-value');
  });

  it('registers itself for the authorization code flow when no client is configured', async () => {
    const { oauth } = provider({ scope: 'repo' });
    expect(oauth.redirectUrl).toBe('http://127.0.0.1:33418/callback');
    expect(oauth.clientMetadata).toMatchObject({
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      scope: 'repo',
    });
    expect(await oauth.clientInformation()).toBeUndefined();
    expect(oauth.prepareTokenRequest()).toBeUndefined();
  });
});
