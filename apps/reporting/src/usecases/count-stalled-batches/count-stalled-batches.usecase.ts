import { Injectable } from '@nestjs/common';

import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { CountStalledBatchesCommand } from './count-stalled-batches.command';

/**
 * Running batches that have contacts waiting (`pending` or `queued`) and started no call in the
 * last `idleSeconds` (nor since they started running): the "stuck batch" alert
 * (ops/prometheus/alerts.yml). A batch whose waiting contacts are all outside their calling hours
 * counts too; the alert says so. Read-only and cheap (one index probe per running batch).
 */
@Injectable()
export class CountStalledBatchesUseCase {
  constructor(private readonly batches: BatchReadModelRepository) {}

  execute(command: CountStalledBatchesCommand): Promise<number> {
    return this.batches.countStalled(command.idleSeconds);
  }
}
