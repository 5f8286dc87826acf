import { Controller, Get } from '@nestjs/common';
import { ReportingSystemCounts, STREAMS, Subjects } from '@outdial/contracts';
import { NatsBus, RpcClient } from '@outdial/service-runtime';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { Auth, AuthContext } from './auth/auth-context';

interface QueueInfo {
  stream: string;
  consumer: string;
  /** Messages not yet delivered to the consumer. */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ack_pending: number;
  redelivered: number;
}

/**
 * SPEC §8 system status: the org's active batches and calls, the platform's queues (every
 * JetStream consumer's backlog), the dead letters, and this machine's CPU, memory and disk.
 */
@Controller('api/system')
export class SystemStatusController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly bus: NatsBus,
  ) {}

  @Get('status')
  async status(@Auth() auth: AuthContext) {
    const [counts, queues, deadLetters, disk] = await Promise.all([
      this.rpc.request<ReportingSystemCounts>(Subjects.reportingSystemCounts, { org_id: auth.org_id }),
      this.queues(),
      this.bus.deadLetterCounts(),
      statfs('/').catch(() => null),
    ]);
    const memory = process.memoryUsage();
    return {
      at: new Date().toISOString(),
      active_batches: counts.active_batches,
      active_calls: counts.active_calls,
      batches_by_status: counts.batches_by_status,
      webhooks: { pending_deliveries: counts.webhook_deliveries_pending, failed_deliveries: counts.webhook_deliveries_failed },
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

  private async queues(): Promise<QueueInfo[]> {
    const out: QueueInfo[] = [];
    for (const definition of STREAMS) {
      const stream = this.bus.streamName(definition);
      try {
        for await (const consumer of this.bus.jsm.consumers.list(stream)) {
          out.push({
            stream,
            consumer: consumer.name,
            pending: consumer.num_pending,
            ack_pending: consumer.num_ack_pending,
            redelivered: consumer.num_redelivered,
          });
        }
      } catch {
        /* a stream not provisioned yet has no queue */
      }
    }
    return out;
  }
}
