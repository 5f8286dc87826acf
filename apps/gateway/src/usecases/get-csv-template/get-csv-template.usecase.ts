import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { AuthContext } from '../../domain/auth-context';
import { templateCsv } from '../../domain/template-csv';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';

/** `GET /api/batch-calls/template.csv?agent_id=`: the caller and the agent whose template is asked for. */
export interface GetCsvTemplateQuery {
  auth: AuthContext;
  agent_id: string;
}

/** A CSV file to send: its (safe) file name and content. */
export interface CsvFile {
  filename: string;
  csv: string;
}

/**
 * The CSV template of an agent of the org (SPEC §2, §9): `phone`, `name`, then the variables the
 * agent expects. Errors: 404 `not_found` (unknown agent or another org's; details `{field: 'agent_id'}`).
 */
@Injectable()
export class GetCsvTemplateUseCase {
  constructor(private readonly agents: DirectoryAgentsRepository) {}

  async execute(query: GetCsvTemplateQuery): Promise<CsvFile> {
    const agent = await this.agents.find(query.auth.org_id, query.agent_id);
    if (!agent) throw new ServiceError('not_found', `agent ${query.agent_id} not found`, { field: 'agent_id' });
    return { filename: `${query.agent_id.replace(/[^\w.-]/g, '_')}-template.csv`, csv: templateCsv(agent.variables) };
  }
}
