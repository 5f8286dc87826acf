import { Injectable } from '@nestjs/common';
import { Subjects } from '@outdial/contracts';
import { RpcClient } from '@outdial/service-runtime';

import { AgentBatches } from '../../adapters/agent-batches';
import { AuthContext } from '../../domain/auth-context';
import { bolnaExecution } from '../../domain/compat-mapping';

/** Most executions one `GET …/executions` returns (pages of 100 asked of reporting). */
export const MAX_EXECUTIONS = 10_000;
const CALLS_PAGE_SIZE = 100;

/** `GET /batches/{agent_id}/{batch_id}/executions` (Bolna-style), optionally only some outcomes. */
export interface ListAgentBatchExecutionsQuery {
  auth: AuthContext;
  agent_id: string;
  batch_id: string;
  outcomes?: string[];
}

/** At most MAX_EXECUTIONS executions, and how many there are in all. */
export interface AgentBatchExecutions {
  items: Record<string, unknown>[];
  total: number;
}

/**
 * Every attempt (execution) of the agent's batch, in dialing order, in the Bolna-style shape
 * (`domain/compat-mapping.ts`), read page by page from reporting. Errors: 404 `not_found`.
 */
@Injectable()
export class ListAgentBatchExecutionsUseCase {
  constructor(
    private readonly rpc: RpcClient,
    private readonly batches: AgentBatches,
  ) {}

  async execute(query: ListAgentBatchExecutionsQuery): Promise<AgentBatchExecutions> {
    const batch = await this.batches.find(query.auth, query.agent_id, query.batch_id);
    const items: Record<string, unknown>[] = [];
    let total = 0;
    for (let page = 1; items.length < MAX_EXECUTIONS; page++) {
      const result = await this.rpc.request(Subjects.reportingCallsPage, {
        org_id: query.auth.org_id,
        batch_id: batch.batch_id,
        page,
        page_size: CALLS_PAGE_SIZE,
        ...(query.outcomes ? { outcome: query.outcomes } : {}),
      });
      total = result.total;
      for (const call of result.items) if (items.length < MAX_EXECUTIONS) items.push(bolnaExecution(call, batch));
      if (result.items.length < CALLS_PAGE_SIZE || page * CALLS_PAGE_SIZE >= result.total) break;
    }
    return { items, total };
  }
}
