import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';

export interface RouteArgs {
  /** Names given to `@Query('name')`. */
  query: string[];
  /** Names given to `@Headers('name')`. */
  headers: string[];
}

/**
 * What each route's handler reads, from Nest's own metadata, keyed `METHOD /path` (OpenAPI path
 * syntax): lets the document show the query parameters of handlers without swagger decorators.
 */
export function routeArgsByOperation(app: INestApplication): Map<string, RouteArgs> {
  const out = new Map<string, RouteArgs>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => object) | undefined;
      if (!controller?.prototype) continue;
      const base = asArray(Reflect.getMetadata(PATH_METADATA, controller))[0] ?? '';
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        const paths = asArray(Reflect.getMetadata(PATH_METADATA, handler));
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths.length === 0 || method === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) ?? {}) as Record<
          string,
          { data?: unknown }
        >;
        const found: RouteArgs = { query: [], headers: [] };
        for (const [argKey, arg] of Object.entries(args)) {
          const type = Number(argKey.split(':')[0]);
          if (typeof arg.data !== 'string') continue;
          if (type === RouteParamtypes.QUERY) found.query.push(arg.data);
          if (type === RouteParamtypes.HEADERS) found.headers.push(arg.data);
        }
        for (const path of paths) out.set(`${RequestMethod[method]} ${openApiPath(base, path)}`, found);
      }
    }
  }
  return out;
}

function asArray(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
}

function openApiPath(base: string, path: string): string {
  const joined = `/${[base, path]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return joined.replace(/:(\w+)/g, '{$1}');
}
