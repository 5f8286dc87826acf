import { Controller, Get, Header, HttpException, Inject } from '@nestjs/common';

import { Database } from './database';
import { Metrics } from './metrics';
import { NatsBus } from './nats-bus';
import { SERVICE_NAME } from './runtime';

/** `/health/live`, `/health/ready` (database and NATS) and `/metrics` on every service. */
@Controller()
export class OpsController {
  constructor(
    private readonly db: Database,
    private readonly bus: NatsBus,
    private readonly metrics: Metrics,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get('health/live')
  live(): { status: string; service: string } {
    return { status: 'ok', service: this.service };
  }

  @Get('health/ready')
  async ready(): Promise<{ status: string; service: string; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    const [db, nats] = await Promise.allSettled([
      withTimeout(this.db.ping(), 2000),
      withTimeout(this.bus.ping(), 2000),
    ]);
    checks.database =
      db.status === 'fulfilled' ? 'ok' : `down: ${(db as PromiseRejectedResult).reason?.message ?? 'error'}`;
    checks.nats = nats.status === 'fulfilled' ? 'ok' : 'down';
    const ok = Object.values(checks).every((c) => c === 'ok');
    const body = { status: ok ? 'ok' : 'unavailable', service: this.service, checks };
    if (!ok) throw new HttpException(body, 503);
    return body;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}
