/** Small pieces every route definition uses: the role guard, JSON bodies and the documented error answers. */
import type { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.js';
import { type Role, roleAllows } from './auth.js';
import { ErrorSchema } from './schemas.js';
import type { ApiEnv } from './server-context.js';

/** Refuses the request unless the caller's role includes `required`. */
export function requireRole(required: Role): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const role = c.get('role');
    if (!roleAllows(role, required)) {
      throw new ApiError(
        403,
        'auth.forbidden',
        `This needs the ${required} role; your token has ${role}.`,
        `Ask for a token with the ${required} role (or higher).`,
      );
    }
    await next();
  };
}

/** Route fields for an endpoint that needs `role`: its middleware and its OpenAPI security. */
export function guard(role: Role) {
  return {
    middleware: requireRole(role) as MiddlewareHandler,
    security: [{ bearer: [] as string[] }],
    description: `Needs a token with the \`${role}\` role (or higher).`,
    'x-agentry-role': role,
  };
}

export function jsonBody<T extends z.ZodType>(schema: T, description = 'JSON body') {
  return { required: true, description, content: { 'application/json': { schema } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

const errorResponse = (description: string) => jsonResponse(ErrorSchema, description);

/** The error answers every guarded endpoint may give. */
export const GUARDED_ERRORS = {
  413: errorResponse('The request body is over the size limit'),
  401: errorResponse('No token, or an unknown token'),
  403: errorResponse('The token lacks the role this needs'),
  429: errorResponse('Too many requests from this address; retry after `Retry-After` seconds'),
} as const;

/** What an endpoint anyone may call answers when one address calls it too often. */
export const RATE_LIMITED = { 429: GUARDED_ERRORS[429] } as const;

export const NOT_FOUND = { 404: errorResponse('No such run, agent or call') } as const;
export const INVALID = { 422: errorResponse('The request is well-formed JSON but not valid') } as const;
export const CONFLICT = { 409: errorResponse('The run is not in a state that allows this') } as const;
export const NOT_IMPLEMENTED = {
  501: errorResponse('The runtime being served does not offer this yet'),
} as const;
