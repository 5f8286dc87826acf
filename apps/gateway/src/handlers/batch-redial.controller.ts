import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';
import type { Request } from 'express';

import { readJsonBody } from '../adapters/uploads/multipart-upload';
import { GatewayEnv } from '../gateway-env';
import { RedialBatchUseCase, RedialResult } from '../usecases/redial-batch/redial-batch.usecase';
import { Roles } from './auth/auth.guard';
import { Auth, AuthContext } from './auth/auth-context';

/** SPEC §9 `POST /api/batch-calls/{id}/redial`: `{statuses: [...], ...settings}` -> 201 like a create. */
@Controller('api/batch-calls')
export class BatchRedialController {
  constructor(
    private readonly redial: RedialBatchUseCase,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  @Post(':id/redial')
  @HttpCode(201)
  @Roles('owner', 'admin')
  async create(
    @Auth() auth: AuthContext,
    @Param('id') batchId: string,
    @Req() request: Request,
  ): Promise<RedialResult> {
    if (!/^application\/json/i.test(request.headers['content-type'] ?? '')) {
      throw new ServiceError('unsupported_media_type', 'send application/json: {"statuses": [...], ...settings}');
    }
    const body = await readJsonBody(request, this.config.GATEWAY_MAX_JSON_BYTES);
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new ServiceError('validation_failed', 'the body must be a JSON object');
    return this.redial.execute({ auth, batch_id: batchId, body: body as Record<string, unknown> });
  }
}
