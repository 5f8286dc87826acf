import { Controller, Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { BatchActionResult, InvalidPayloadError, toValidatedInstance } from '@outdial/contracts';
import { SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';
import type { Request } from 'express';

import { readJsonBody } from '../adapters/uploads/multipart-upload';
import { GatewayEnv } from '../gateway-env';
import { RequestBatchActionUseCase } from '../usecases/request-batch-action/request-batch-action.usecase';
import { Roles } from './auth/auth.guard';
import { Auth, AuthContext } from './auth/auth-context';
import { RescheduleRequest } from './dto/reschedule-request.dto';

/**
 * Lifecycle actions (SPEC §4). The scheduler owns the state machine and answers 404 for another
 * org's batch and 409 `invalid_transition` where the action is not allowed.
 */
@Controller('api/batch-calls')
@Roles('owner', 'admin')
export class BatchLifecycleController {
  constructor(
    private readonly batchAction: RequestBatchActionUseCase,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.batchAction.execute({ auth, batch_id: batchId, action: 'pause' });
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.batchAction.execute({ auth, batch_id: batchId, action: 'resume' });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.batchAction.execute({ auth, batch_id: batchId, action: 'cancel' });
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  async reschedule(
    @Auth() auth: AuthContext,
    @Param('id') batchId: string,
    @Req() request: Request,
  ): Promise<BatchActionResult> {
    if (!/^application\/json/i.test(request.headers['content-type'] ?? '')) {
      throw new ServiceError(
        'unsupported_media_type',
        'send application/json: {"scheduled_start_time": "...", "timezone": "..."}',
      );
    }
    const body = validatePayload(RescheduleRequest, await readJsonBody(request, this.config.GATEWAY_MAX_JSON_BYTES));
    return this.batchAction.execute({
      auth,
      batch_id: batchId,
      action: 'reschedule',
      scheduled_start_time: body.scheduled_start_time,
      timezone: body.timezone,
    });
  }

  @Delete(':id')
  @HttpCode(200)
  remove(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchActionResult> {
    return this.batchAction.execute({ auth, batch_id: batchId, action: 'delete' });
  }
}

/** The body as `cls` (class-validator); 400 `validation_failed` naming each field otherwise. */
function validatePayload<T extends object>(cls: new () => T, raw: unknown): T {
  try {
    return toValidatedInstance(cls, raw, 'request body');
  } catch (error) {
    if (error instanceof InvalidPayloadError)
      throw new ServiceError('validation_failed', error.message, error.fieldErrors);
    throw error;
  }
}
