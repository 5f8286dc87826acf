import { Injectable } from '@nestjs/common';
import { Metrics } from '@outdial/service-runtime';
import { Counter } from 'prom-client';

/** Ingest's metrics, on the runtime's registry (served at /metrics). */
@Injectable()
export class IngestMetrics {
  /** Upload rows read (data and empty rows), by mode: `create` (ingest) or `validate` (dry run). */
  readonly rowsIngested: Counter<'mode'>;

  constructor(metrics: Metrics) {
    this.rowsIngested = new Counter({
      name: 'outdial_ingest_rows_total',
      help: 'Upload rows read by ingest (rate = ingest rows/s), by mode (create, validate)',
      labelNames: ['mode'],
      registers: [metrics.registry],
    });
  }
}
