/**
 * A test client that checks every request and answer against the server's own OpenAPI document:
 * the route and method are documented, a JSON body matches the request schema, the status is one the
 * operation lists, and a JSON answer matches that status's schema. Tests use it instead of raw fetch.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { AgentryServer } from '../create-server.js';

type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === '$ref' && typeof inner === 'string' ? `openapi.json${inner}` : rewriteRefs(inner),
      ]),
    );
  }
  return value;
}

/** What one call returned. */
export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class OpenApiClient {
  private readonly document: { paths: Record<string, Record<string, Operation>>; components: unknown };
  private readonly ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  private readonly compiled = new Map<unknown, ValidateFunction>();
  /** `METHOD path-template` of every call made, to check coverage. */
  readonly called = new Set<string>();

  constructor(
    private readonly server: AgentryServer,
    private readonly token?: string,
  ) {
    this.document = server.openapi() as never;
    this.ajv.addSchema({ components: rewriteRefs(this.document.components) }, 'openapi.json');
  }

  withToken(token: string | undefined): OpenApiClient {
    return new OpenApiClient(this.server, token);
  }

  private validator(schema: unknown): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as object);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  private operation(method: string, pathname: string): { template: string; operation: Operation } {
    for (const [template, operations] of Object.entries(this.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = operations[method.toLowerCase()];
      if (pattern.test(pathname) && operation) return { template, operation };
    }
    throw new Error(`${method} ${pathname} is not in the OpenAPI document`);
  }

  private check(schema: unknown, value: unknown, what: string): void {
    const validate = this.validator(schema);
    if (!validate(value))
      throw new Error(`${what} does not match the OpenAPI document: ${this.ajv.errorsText(validate.errors)}`);
  }

  async call<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; invalid?: boolean } = {},
  ): Promise<Answer<T>> {
    const url = new URL(path, 'http://127.0.0.1');
    const { template, operation } = this.operation(method, url.pathname);
    this.called.add(`${method.toUpperCase()} ${template}`);
    for (const key of url.searchParams.keys()) {
      if (!operation.parameters?.some((parameter) => parameter.in === 'query' && parameter.name === key)) {
        throw new Error(`${method} ${template}: query parameter "${key}" is not documented`);
      }
    }
    const requestSchema = operation.requestBody?.content['application/json']?.schema;
    if (options.body !== undefined) {
      if (!requestSchema) throw new Error(`${method} ${template} documents no JSON body`);
      // A test that sends a body the document refuses on purpose says so with `invalid`.
      if (options.invalid !== true) this.check(requestSchema, options.body, `${method} ${template} request`);
    }
    const headers: Record<string, string> = { ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined || options.rawBody !== undefined)
      headers['content-type'] = 'application/json';
    const response = await this.server.fetch(
      new Request(url, {
        method,
        headers,
        ...(options.rawBody !== undefined
          ? { body: options.rawBody }
          : options.body !== undefined
            ? { body: JSON.stringify(options.body) }
            : {}),
      }),
    );
    const documented = operation.responses[String(response.status)];
    if (!documented)
      throw new Error(`${method} ${template} answered ${response.status}, which it does not document`);
    const text = response.headers.get('content-type')?.includes('event-stream') ? '' : await response.text();
    let body: unknown = text;
    if (response.headers.get('content-type')?.includes('application/json')) {
      body = JSON.parse(text);
      const schema = documented.content?.['application/json']?.schema;
      if (!schema) throw new Error(`${method} ${template} ${response.status} documents no JSON answer`);
      this.check(schema, body, `${method} ${template} ${response.status} answer`);
    }
    return { status: response.status, headers: response.headers, body: body as T, text };
  }
}
