import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import serveStatic from 'serve-static';

/** Where the web console is served (SPEC §11): never a path of the API or the compatibility routes. */
export const CONSOLE_BASE_PATH = '/app';

/** The console's build output (`apps/console/dist`), found from this file in `apps/gateway/dist/adapters/console`. */
export function defaultConsoleDir(): string {
  return resolve(__dirname, '../../../../console/dist');
}

/**
 * Serves the built single-page console under `/app/` and redirects `GET /` there (SPEC §11, issue
 * 13). Hashed assets (`/app/assets/*`) are cached for a year; every other path under `/app/` that is
 * not a file answers `index.html` so that deep links (`/app/batches/<id>`) load the app, which then
 * routes on the client. Nothing outside `/app` and `/` is touched, so `/api/...`, `/batches...`,
 * `/v1/...`, `/docs`, `/health`, `/metrics` and `/ws` keep their handlers. When the console was not
 * built, `/app/` answers 503 with the usual error body saying how to build it.
 */
export function serveConsole(app: INestApplication, dir: string = defaultConsoleDir()): void {
  const index = join(dir, 'index.html');
  const files = serveStatic(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (response, path) => {
      response.setHeader(
        'Cache-Control',
        path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.path === '/' && (request.method === 'GET' || request.method === 'HEAD'))
      return response.redirect(302, `${CONSOLE_BASE_PATH}/`);
    next();
  });
  app.use(CONSOLE_BASE_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    // `/app` without the slash: relative asset URLs need the trailing one.
    if (request.originalUrl === CONSOLE_BASE_PATH || request.originalUrl.startsWith(`${CONSOLE_BASE_PATH}?`))
      return response.redirect(301, `${CONSOLE_BASE_PATH}/`);
    if (!existsSync(index)) {
      response.status(503).json({
        error: {
          code: 'upstream_unavailable',
          message: 'the web console is not built: run `npm run build`',
          details: { dir },
        },
      });
      return;
    }
    files(request, response, () => {
      // Not a file: a missing asset is a 404, any other path is a client-side route.
      if (request.path.startsWith('/assets/')) {
        response.status(404).json({ error: { code: 'not_found', message: `no console asset ${request.path}` } });
        return;
      }
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile(index);
    });
  });
}
