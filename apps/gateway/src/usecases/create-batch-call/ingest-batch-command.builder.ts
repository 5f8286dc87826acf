import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { CreateBatchCommand, ProviderName, toValidatedInstance } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { StoredUpload } from '../../adapters/uploads/multipart-upload';
import { UploadObjects } from '../../adapters/uploads/upload-objects';
import { AuthContext } from '../../domain/auth-context';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';
import { PhoneNumbersRepository } from '../../persistence/phone-numbers.repository';
import { batchSettingsOf, defaultBatchName } from './batch-settings';
import { CreateBatchRequest } from './create-batch-call.command';

/**
 * What a create and a validate-only share: checks what only the gateway knows (the agent is a
 * voice agent of the org, the caller number is an outbound-enabled number of the org, the
 * settings), fills in the defaults of SPEC §3 and builds ingest's CreateBatchCommand. A request
 * refused here deletes its upload (ingest never sees it).
 *
 * Errors: 400 `validation_failed`, 404 `not_found` (agent), 422 `agent_not_voice`,
 * 422 `from_number_not_allowed`.
 */
@Injectable()
export class IngestBatchCommandBuilder {
  constructor(
    private readonly agents: DirectoryAgentsRepository,
    private readonly numbers: PhoneNumbersRepository,
    private readonly uploads: UploadObjects,
  ) {}

  async build(
    auth: AuthContext,
    raw: Record<string, unknown>,
    upload: StoredUpload,
    initialStatus?: 'pending',
  ): Promise<CreateBatchCommand> {
    try {
      const request = toValidatedInstance(CreateBatchRequest, raw, 'create batch request');
      const agent = await this.agent(auth.org_id, request.agent_id);
      const fromNumber = await this.fromNumber(auth.org_id, request.from_number);
      const settings = batchSettingsOf(request);
      return {
        org_id: auth.org_id,
        batch_id: `batch_${randomUUID().replace(/-/g, '')}`,
        upload: {
          object_name: upload.object_name,
          filename: upload.filename,
          content_type: upload.content_type,
          size: upload.size,
        },
        name: request.name ?? defaultBatchName(upload.filename),
        agent_id: request.agent_id,
        provider: agent.provider as ProviderName,
        from_number: fromNumber,
        initial_status: initialStatus ?? (settings.scheduled_start_time ? 'scheduled' : 'running'),
        settings,
        ...(request.column_mapping ? { column_mapping: request.column_mapping } : {}),
      };
    } catch (error) {
      await this.uploads.discard(upload);
      throw error;
    }
  }

  private async agent(orgId: string, agentId: string): Promise<{ kind: string; provider: string }> {
    const agent = await this.agents.find(orgId, agentId);
    if (!agent) throw new ServiceError('not_found', `agent ${agentId} not found`, { field: 'agent_id' });
    if (agent.kind !== 'voice')
      throw new ServiceError(
        'agent_not_voice',
        `agent ${agentId} is a ${agent.kind} agent; only voice agents can place calls`,
        { field: 'agent_id' },
      );
    return agent;
  }

  private async fromNumber(orgId: string, requested?: string): Promise<string> {
    if (requested) {
      if (!(await this.numbers.isOutboundEnabled(orgId, requested.trim()))) {
        throw new ServiceError(
          'from_number_not_allowed',
          `${requested} is not an outbound-enabled number of this organization`,
          { field: 'from_number' },
        );
      }
      return requested.trim();
    }
    const first = await this.numbers.firstOutbound(orgId);
    if (!first)
      throw new ServiceError(
        'from_number_not_allowed',
        'the organization has no outbound-enabled number; register one first',
        { field: 'from_number' },
      );
    return first;
  }
}
