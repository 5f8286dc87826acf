import { Controller, Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { BatchAction, BatchActionCommand, BatchActionResult, InvalidPayloadError, Subjects, toValidatedInstance } from '@outdial/contracts';
import { RpcClient, SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';
import { readJsonBody } from '../adapters/uploads/multipart-upload';
import { ReadModelBarrier } from '../adapters/read-model-barrier';
import { GatewayEnv } from '../gateway-env';
import { Auth, AuthContext } from './auth/auth-context';
import { Roles } from './auth/auth.guard';
import { RescheduleRequest } from './dto/reschedule-request.dto';

/**
 * Lifecycle actions (SPEC §4). The scheduler owns the state machine and answers 404 for another
 * org's batch and 409 `invalid_transition` where the action is not allowed.
 */
@Controller('api/batch-calls')
@Roles('owner', 'admin')
export class BatchLifecycleController {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    private readonly readModel: ReadModelBarrier,
  ) {}

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.act(auth, batchId, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.act(auth, batchId, 'resume');
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.act(auth, batchId, 'cancel');
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  async reschedule(@Auth() auth: AuthContext, @Param('id') batchId: string, @Req() request: Request): Promise<BatchActionResult> {
    if (!/^application\/json/i.test(request.headers['content-type'] ?? '')) {
      throw new ServiceError('unsupported_media_type', 'send application/json: {"scheduled_start_time": "...", "timezone": "..."}');
    }
    const body = validateBody(RescheduleRequest, await readJsonBody(request, this.config.GATEWAY_MAX_JSON_BYTES));
    return this.act(auth, batchId, 'reschedule', { scheduled_start_time: body.scheduled_start_time, timezone: body.timezone });
  }

  @Delete(':id')
  @HttpCode(200)
  remove(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.act(auth, batchId, 'delete');
  }

  /** Applies the action in the scheduler, then answers once the read model shows it (read-your-writes). */
  private async act(auth: AuthContext, batchId: string, action: BatchAction, extra: Partial<BatchActionCommand> = {}): Promise<BatchActionResult> {
    const command: BatchActionCommand = { org_id: auth.org_id, batch_id: batchId, action, actor: `token ${auth.token_id} (${auth.role})`, ...extra };
    const result = await this.rpc.request<BatchActionResult>(Subjects.schedulerBatchAction, command);
    if (action === 'delete') await this.readModel.wait(auth.org_id, batchId, { deleted: true });
    else if (result.status_at) await this.readModel.wait(auth.org_id, batchId, { status_at: result.status_at });
    return result;
  }
}

function validateBody<T extends object>(cls: new () => T, raw: unknown): T {
  try {
    return toValidatedInstance(cls, raw, 'request body');
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw new ServiceError('validation_failed', error.message, error.fieldErrors);
    throw error;
  }
}
