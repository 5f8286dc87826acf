import { statfs } from 'node:fs/promises';
import os from 'node:os';

import { Injectable } from '@nestjs/common';
import { Subjects } from '@outdial/contracts';
import { RpcClient } from '@outdial/service-runtime';

import { QueueStats } from '../../adapters/queue-stats';
import { AuthContext } from '../../domain/auth-context';

/** `GET /api/system/status`: the caller (its org's counts). */
export interface GetSystemStatusQuery {
  auth: AuthContext;
}

/** The status document (SPEC §8); its shape is the API's, see the OpenAPI document. */
export type SystemStatus = Record<string, unknown>;

/**
 * SPEC §8 system status: the org's active batches and calls (reporting), the platform's queues
 * (every JetStream consumer's backlog), the dead letters, and this machine's CPU, memory and disk.
 */
@Injectable()
export class GetSystemStatusUseCase {
  constructor(
    private readonly rpc: RpcClient,
    private readonly consumers: QueueStats,
  ) {}

  async execute(query: GetSystemStatusQuery): Promise<SystemStatus> {
    const [counts, queues, deadLetters, disk] = await Promise.all([
      this.rpc.request(Subjects.reportingSystemCounts, { org_id: query.auth.org_id }),
      this.consumers.queues(),
      this.consumers.deadLetters(),
      statfs('/').catch(() => null),
    ]);
    const memory = process.memoryUsage();
    return {
      at: new Date().toISOString(),
      active_batches: counts.active_batches,
      active_calls: counts.active_calls,
      batches_by_status: counts.batches_by_status,
      webhooks: {
        pending_deliveries: counts.webhook_deliveries_pending,
        failed_deliveries: counts.webhook_deliveries_failed,
      },
      queues,
      queue_total_pending: queues.reduce((n, q) => n + q.pending + q.ack_pending, 0),
      // Messages that could never be applied (platform-wide), per service that gave up on them.
      dead_letters: deadLetters,
      cpu: { cores: os.cpus().length, load_average: os.loadavg().map((l) => Math.round(l * 100) / 100) },
      memory: {
        total_bytes: os.totalmem(),
        free_bytes: os.freemem(),
        used_percent: Math.round((1 - os.freemem() / os.totalmem()) * 1000) / 10,
        gateway_rss_bytes: memory.rss,
      },
      disk: disk
        ? {
            path: '/',
            total_bytes: disk.blocks * disk.bsize,
            free_bytes: disk.bavail * disk.bsize,
            used_percent: Math.round((1 - disk.bavail / Math.max(1, disk.blocks)) * 1000) / 10,
          }
        : null,
      uptime_seconds: Math.round(process.uptime()),
    };
  }
}
