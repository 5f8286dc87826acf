import { Controller, Get, Param } from '@nestjs/common';
import { BatchSettingsView, Subjects } from '@outdial/contracts';
import { RpcClient } from '@outdial/service-runtime';

import { Auth, AuthContext } from './auth/auth-context';

/**
 * `GET /api/batch-calls/{id}/settings`: the settings a batch was created with (SPEC §3, times in
 * UTC), as ingest stored them. What the console's "Duplicate settings" copies into a new batch,
 * and where a redial shows its link (`settings.metadata.redial_of`). Any role of the org; another
 * org's batch is 404. Holds no secret (provider secrets live with the agent, not the batch).
 */
@Controller('api/batch-calls')
export class BatchSettingsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id/settings')
  settings(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchSettingsView> {
    return this.rpc.request(Subjects.ingestBatchSettings, { org_id: auth.org_id, batch_id: batchId });
  }
}
