import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { ROUTE_DOCS } from './route-docs';
import { RouteArgs, routeArgsByOperation } from './route-metadata';

/** An OpenAPI parameter, or a `$ref` to one, as this file reads it (the document is plain JSON, completed in place). */
interface OpenApiParameter {
  name?: string;
  in?: string;
  [key: string]: unknown;
}

/** An OpenAPI response as this file reads it. */
interface OpenApiResponse {
  description?: string;
  headers?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An OpenAPI operation as this file completes it. */
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  responses?: Record<string, OpenApiResponse>;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  [key: string]: unknown;
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** Operational endpoints of the service runtime: no token, not rate limited. */
const OPS_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'Validation failed: `details` lists each field with its problems',
  '401': 'Missing, invalid or revoked token',
  '403': "The token's role may not do this, or x-workspace-id names another org",
  '404': "Not found (also for other orgs' objects)",
  '409': 'Conflict with the current state',
  '413': 'Body or upload too large',
  '415': 'Unsupported Content-Type',
  '422': 'Understood but not possible (e.g. a text agent, a caller number not enabled)',
  '429': 'Rate limited: retry after `Retry-After` seconds',
};

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Outdial API')
    .setDescription(
      [
        'Batch outbound calling for AI voice agents (SPEC §9).',
        '',
        "Authenticate with `Authorization: Bearer <token>` or `x-api-key: <token>` (optionally `x-workspace-id: <org id>`, which must be the token's org).",
        'Roles: `owner` and `admin` create and act, `member` only reads; owners manage tokens and org limits.',
        'Errors are always `{"error": {"code", "message", "details"}}`. Rate limit per token: `429` with `Retry-After`.',
        'Live progress also streams over WebSocket at `/ws/batch/{id}` (same token, as header or `?token=`).',
      ].join('\n'),
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token' }, 'bearer')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same API token, as a header' },
      'api_key',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return completeOpenApiDocument(document, routeArgsByOperation(app));
}

/**
 * Completes what the decorators leave out, for every route Nest registered (decorated or not):
 * security, the error responses each kind of route can give, tags and summaries, and the bodies
 * of routes that read their request themselves (multipart uploads). So a controller without
 * swagger decorators still appears, correctly secured, with its errors.
 */
export function completeOpenApiDocument(
  document: OpenAPIObject,
  routeArgs: Map<string, RouteArgs> = new Map(),
): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.ErrorBody = {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', example: 'validation_failed' },
          message: { type: 'string' },
          details: { description: 'For validation errors: `[{field, problems[]}]`', nullable: true },
        },
      },
    },
  };
  document.components.parameters ??= {};
  document.components.parameters.WorkspaceId = {
    name: 'x-workspace-id',
    in: 'header',
    required: false,
    description: "The org id; when sent it must match the token's org",
    schema: { type: 'string' },
  };
  document.tags ??= [];

  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, OpenApiOperation | undefined>)[method];
      if (!op) continue;
      const overlay = ROUTE_DOCS[`${method.toUpperCase()} ${path}`];
      if (overlay) {
        for (const [key, value] of Object.entries(overlay)) {
          if (key === 'responses')
            op.responses = { ...(value as Record<string, OpenApiResponse>), ...dropDefaultResponses(op.responses) };
          else if (key === 'parameters') {
            const have = op.parameters ?? [];
            op.parameters = [
              ...have,
              ...(value as OpenApiParameter[]).filter((p) => !have.some((h) => h.name === p.name && h.in === p.in)),
            ];
          } else if (op[key] === undefined || (key === 'summary' && !op[key])) op[key] = value;
        }
      }
      // Query parameters and headers the handler reads (Nest metadata), when not documented yet.
      const args = routeArgs.get(`${method.toUpperCase()} ${path}`);
      for (const [names, where] of [
        [args?.query ?? [], 'query'],
        [args?.headers ?? [], 'header'],
      ] as const) {
        for (const name of names) {
          op.parameters ??= [];
          if (!op.parameters.some((p) => p.in === where && p.name?.toLowerCase() === name.toLowerCase()))
            op.parameters.push({ name, in: where, required: false, schema: { type: 'string' } });
        }
      }
      // Path parameters of routes whose handlers carry no swagger decorators.
      for (const name of (path.match(/\{(\w+)\}/g) ?? []).map((p) => p.slice(1, -1))) {
        op.parameters ??= [];
        if (!op.parameters.some((p) => p.in === 'path' && p.name === name))
          op.parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
      }
      const isPublic = op['x-outdial-public'] === true || OPS_PATHS.has(path);
      op.summary ||= `${method.toUpperCase()} ${path}`;
      if (!op.tags || op.tags.length === 0) op.tags = [tagFor(path)];
      op.responses ??= {};
      if (Object.keys(op.responses).length === 0) op.responses['200'] = { description: 'OK' };
      const errors: string[] = [];
      if (isPublic) {
        op.security = [];
      } else {
        op.security = [{ bearer: [] }, { api_key: [] }];
        op.parameters = [
          ...(op.parameters ?? []).filter((p) => p.name !== 'x-workspace-id'),
          { $ref: '#/components/parameters/WorkspaceId' },
        ];
        errors.push('401', '403', '429');
        const roles = op['x-outdial-roles'] as string[] | undefined;
        if (roles && !String(op.description ?? '').includes('Roles:'))
          op.description = `${op.description ? `${op.description}\n\n` : ''}Roles: ${roles.join(', ')}.`;
      }
      if (path.includes('{')) errors.push('404');
      const hasQuery = (op.parameters ?? []).some((p) => p.in === 'query');
      const takesBody = op.requestBody !== undefined || ['post', 'put', 'patch'].includes(method);
      if (hasQuery || takesBody || path.includes('{')) errors.push('400');
      if (op.requestBody !== undefined) errors.push('413', '415');
      for (const status of errors) {
        op.responses[status] ??= {
          description: ERROR_DESCRIPTIONS[status],
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        };
      }
      if (errors.includes('429')) {
        op.responses['429'].headers ??= {
          'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
        };
      }
    }
  }
  const used = new Set<string>();
  for (const item of Object.values(document.paths))
    for (const method of METHODS)
      for (const tag of (item as Record<string, OpenApiOperation | undefined>)[method]?.tags ?? []) used.add(tag);
  for (const tag of used) if (!document.tags.some((t) => t.name === tag)) document.tags.push({ name: tag });
  return document;
}

function dropDefaultResponses(responses: Record<string, OpenApiResponse> | undefined): Record<string, OpenApiResponse> {
  // Swagger's generated placeholder ("200/201" with an empty description) gives way to the overlay.
  const out: Record<string, OpenApiResponse> = {};
  for (const [status, response] of Object.entries(responses ?? {})) if (response?.description) out[status] = response;
  return out;
}

function tagFor(path: string): string {
  if (OPS_PATHS.has(path)) return 'operations';
  if (path.startsWith('/batches')) return 'compatibility (Bolna-style)';
  if (path.startsWith('/v1/api/')) return 'compatibility (Trillet-style)';
  const segment = path.split('/').filter(Boolean)[1] ?? path;
  return segment.replace(/-/g, ' ');
}

/** `/docs-json` (the OpenAPI 3 document) and `/docs` (Swagger UI). */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Outdial API',
  });
  return document;
}
