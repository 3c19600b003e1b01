import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderApiReference } from './api-reference.js';

const page = fileURLToPath(new URL('../../../../docs/reference/api.md', import.meta.url));

describe('docs/reference/api.md', () => {
  it('matches the OpenAPI document (regenerate with `npm run docs -w @agentry/server`)', () => {
    expect(readFileSync(page, 'utf8')).toBe(renderApiReference());
  });

  it('documents every route with its role', () => {
    const text = renderApiReference();
    expect(text).toContain('### `POST /api/v1/approvals/{runId}/{callId}`');
    expect(text).toContain('Role: `approver` or higher.');
    expect(text).toContain('### `GET /healthz`');
  });
});
