import { Injectable } from '@nestjs/common';
import { BatchStatusView, Subjects } from '@outdial/contracts';
import { FreshSingleFlight, Metrics, RpcClient } from '@outdial/service-runtime';
import { Counter } from 'prom-client';

/**
 * A batch's status view (SPEC §8) from reporting, with concurrent reads of one batch by one org
 * coalesced (FreshSingleFlight): clients polling the same batch (console tabs, CLI watches, scripts)
 * share one RPC per round instead of one each, and every answer still comes from a read begun after
 * its request arrived, so a write the API acknowledged is always in the next read (issue 16: status
 * GET at 10 connections over one batch). Shared reads are counted in
 * `outdial_status_reads_coalesced_total`.
 *
 * @throws ServiceError `not_found` (from reporting) for a missing batch or another org's.
 */
@Injectable()
export class BatchStatusReads {
  private readonly flights = new FreshSingleFlight<BatchStatusView>();
  private readonly coalesced: Counter;

  constructor(
    private readonly rpc: RpcClient,
    metrics: Metrics,
  ) {
    this.coalesced = new Counter({
      name: 'outdial_status_reads_coalesced_total',
      help: 'Batch status reads answered by a read another request started (after this one arrived) instead of an RPC of their own',
      registers: [metrics.registry],
    });
  }

  /** The batch's current status view, as reporting shows it at or after this call. */
  async get(orgId: string, batchId: string): Promise<BatchStatusView> {
    const before = this.flights.coalesced;
    const view = this.flights.read(`${orgId}\u0000${batchId}`, () =>
      this.rpc.request(Subjects.reportingGetBatch, { org_id: orgId, batch_id: batchId }),
    );
    if (this.flights.coalesced > before) this.coalesced.inc();
    return view;
  }
}
