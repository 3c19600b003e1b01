import type { Runtime } from '@agentry/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { noteRuntime } from './__fixtures__/test-runtime.js';
import { createServer } from './create-server.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document, served at /openapi.json without a token', async () => {
    const { runtime } = await noteRuntime();
    opened.push(runtime);
    const server = createServer(runtime, { tokens: [{ role: 'admin', token: 'admin-token-0123456789' }] });
    const response = await server.fetch(new Request('http://127.0.0.1/openapi.json'));
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    const paths = Object.keys(document.paths as object);
    for (const path of [
      '/api/v1/runs',
      '/api/v1/approvals',
      '/api/v1/runs/{runId}/events/stream',
      '/metrics',
    ]) {
      expect(paths).toContain(path);
    }
  });
});
