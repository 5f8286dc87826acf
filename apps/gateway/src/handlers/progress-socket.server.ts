import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Logger, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';
import { WebSocket, WebSocketServer } from 'ws';

import { OpenFeed, ProgressFeed } from '../adapters/progress-feed';
import { AuthenticateTokenUseCase } from '../usecases/authenticate-token/authenticate-token.usecase';

/** Close codes (4000-4999 are the application's): the HTTP status they stand for, plus 4000. */
export const WS_CLOSE = { unauthorized: 4401, forbidden: 4403, notFound: 4404, error: 4500 } as const;

const PATH = /^\/ws\/batch\/([^/]+)\/?$/;
const PING_MS = 20_000;

/**
 * `WS /ws/batch/{id}` (SPEC §8): the same messages as the SSE stream, as JSON
 * `{"type": "status"|"progress"|"final", "batch": {...}}`; the server closes with 1000 after
 * `final`. Auth like every route (Authorization / x-api-key headers), plus `?token=` because
 * browsers cannot set headers on a WebSocket. Failures close with 4401 (no or bad token), 4403,
 * 4404 (unknown batch or another org's). The path has a parameter, which Nest's WsAdapter (exact
 * paths only) cannot route, so this hooks the HTTP server's upgrade event for its own paths.
 */
@Injectable()
export class ProgressSocketServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly feeds = new Set<OpenFeed>();
  private server?: Server;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(request, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly feed: ProgressFeed,
    private readonly authenticateToken: AuthenticateTokenUseCase,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Nest runs this hook once for the app and once for the microservice: attach once.
    if (this.server) return;
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://gateway');
    const match = PATH.exec(url.pathname);
    if (!match) return; // not ours
    this.wss.handleUpgrade(
      request,
      socket,
      head,
      (ws) => void this.serve(ws, request, url, decodeURIComponent(match[1])),
    );
  }

  private async serve(ws: WebSocket, request: IncomingMessage, url: URL, batchId: string): Promise<void> {
    let feed: OpenFeed | undefined;
    const alive = setInterval(() => ws.readyState === WebSocket.OPEN && ws.ping(), PING_MS);
    ws.on('close', () => {
      clearInterval(alive);
      if (feed) {
        feed.close();
        this.feeds.delete(feed);
      }
    });
    ws.on('error', () => undefined);
    try {
      const token = url.searchParams.get('token');
      const headers =
        token && !request.headers.authorization && !request.headers['x-api-key']
          ? { ...request.headers, authorization: `Bearer ${token}` }
          : request.headers;
      const auth = await this.authenticateToken.execute({ headers });
      const opened = await this.feed.open(auth.org_id, batchId, {
        send: (type, batch) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type, batch }));
        },
        end: () => ws.close(1000, 'final'),
      });
      if (ws.readyState !== WebSocket.OPEN) opened.close();
      else {
        feed = opened;
        this.feeds.add(opened);
      }
    } catch (error) {
      const code = error instanceof ServiceError ? error.code : 'internal';
      const closeCode =
        code === 'unauthorized'
          ? WS_CLOSE.unauthorized
          : code === 'forbidden'
            ? WS_CLOSE.forbidden
            : code === 'not_found'
              ? WS_CLOSE.notFound
              : WS_CLOSE.error;
      if (closeCode === WS_CLOSE.error)
        this.logger.error({ err: error, batch_id: batchId }, 'websocket progress failed');
      ws.close(closeCode, error instanceof ServiceError ? error.message.slice(0, 120) : 'internal error');
    }
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const feed of this.feeds) feed.close();
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
  }
}
