import { Inject, Injectable } from '@nestjs/common';
import { Subjects, ValidateBatchResult } from '@outdial/contracts';
import { RpcClient, SERVICE_CONFIG } from '@outdial/service-runtime';

import { GatewayEnv } from '../../gateway-env';
import { CreateBatchCallCommand } from '../create-batch-call/create-batch-call.command';
import { IngestBatchCommandBuilder } from '../create-batch-call/ingest-batch-command.builder';

/** A validate-only request: the caller, its raw settings and its stored upload (no key, nothing created). */
export type ValidateBatchCallCommand = Pick<CreateBatchCallCommand, 'auth' | 'settings' | 'upload'>;

/**
 * `POST /api/batch-calls/validate` (dry run): the same checks and validation report as a create
 * (`ingest.validate_batch` RPC, bounded by GATEWAY_CREATE_TIMEOUT_MS); nothing is stored.
 */
@Injectable()
export class ValidateBatchCallUseCase {
  constructor(
    private readonly commands: IngestBatchCommandBuilder,
    private readonly rpc: RpcClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  async execute(command: ValidateBatchCallCommand): Promise<ValidateBatchResult> {
    const ingestCommand = await this.commands.build(command.auth, command.settings, command.upload);
    return this.rpc.request(Subjects.ingestValidateBatch, ingestCommand, this.config.GATEWAY_CREATE_TIMEOUT_MS);
  }
}
