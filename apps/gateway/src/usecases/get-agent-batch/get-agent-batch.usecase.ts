import { Injectable } from '@nestjs/common';

import { AgentBatches } from '../../adapters/agent-batches';
import { AuthContext } from '../../domain/auth-context';
import { bolnaBatch } from '../../domain/compat-mapping';

/** `GET /batches/{agent_id}/{batch_id}` (Bolna-style). */
export interface GetAgentBatchQuery {
  auth: AuthContext;
  agent_id: string;
  batch_id: string;
}

/** A batch of an agent in the Bolna-style vocabulary (`domain/compat-mapping.ts`). Errors: 404 `not_found`. */
@Injectable()
export class GetAgentBatchUseCase {
  constructor(private readonly batches: AgentBatches) {}

  async execute(query: GetAgentBatchQuery): Promise<Record<string, unknown>> {
    return bolnaBatch(await this.batches.find(query.auth, query.agent_id, query.batch_id));
  }
}
