import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ServiceError } from '@outdial/service-runtime';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches } from 'class-validator';
import type { Request } from 'express';

import { UploadIntake } from '../adapters/uploads/upload-intake';
import { ISO_WITH_OFFSET, trilletCreated, trilletSettings } from '../domain/compat-mapping';
import { CreateBatchCallUseCase } from '../usecases/create-batch-call/create-batch-call.usecase';
import { GetAgentBatchUseCase } from '../usecases/get-agent-batch/get-agent-batch.usecase';
import {
  ListAgentBatchExecutionsUseCase,
  MAX_EXECUTIONS,
} from '../usecases/list-agent-batch-executions/list-agent-batch-executions.usecase';
import {
  ScheduleAgentBatchUseCase,
  ScheduledAgentBatch,
} from '../usecases/schedule-agent-batch/schedule-agent-batch.usecase';
import { StopAgentBatchUseCase, StoppedAgentBatch } from '../usecases/stop-agent-batch/stop-agent-batch.usecase';
import { Roles } from './auth/auth.guard';
import { Auth, AuthContext } from './auth/auth-context';
import { readFormFields } from './http/form-fields';
import { validateBody } from './http/json-body';

/** `POST /batches/schedule` form fields (surrounding spaces ignored). */
export class BolnaScheduleBody {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'agent_id is required' })
  agent_id: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'batch_id is required' })
  batch_id: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'scheduled_at is required' })
  @Matches(ISO_WITH_OFFSET, {
    message: 'scheduled_at must be ISO 8601 with a time zone, e.g. 2024-06-01T04:10:00+05:30',
  })
  scheduled_at: string;
}

const obj = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});
const s = { type: 'string' };

/**
 * Bolna-style batch API (SPEC §9 compatibility routes), mapped onto the same use cases and
 * services as /api/batch-calls: create (not started), schedule, status, executions, stop. Same
 * auth, roles, tenancy and error shape as the native API.
 */
@ApiTags('compatibility (Bolna-style)')
@Controller('batches')
export class BolnaCompatController {
  constructor(
    private readonly createBatchCall: CreateBatchCallUseCase,
    private readonly intake: UploadIntake,
    private readonly agentBatch: GetAgentBatchUseCase,
    private readonly scheduleAgentBatch: ScheduleAgentBatchUseCase,
    private readonly listExecutions: ListAgentBatchExecutionsUseCase,
    private readonly stopAgentBatch: StopAgentBatchUseCase,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Create a batch for an agent; it waits (pending) until scheduled',
    description: 'Any native create setting may also be sent as a form field.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: obj(
      {
        file: { type: 'string', format: 'binary' },
        agent_id: s,
        from_phone_number: { type: 'string', description: 'E.164, an outbound-enabled number of the org' },
      },
      ['file', 'agent_id'],
    ),
  })
  @ApiOkResponse({ schema: obj({ batch_id: s, state: { type: 'string', enum: ['created'] } }) })
  async create(@Auth() auth: AuthContext, @Req() request: Request): Promise<{ batch_id: string; state: 'created' }> {
    const { settings, upload } = await this.intake.receive(request);
    const { from_phone_number: fromPhone, ...rest } = settings;
    const native =
      fromPhone !== undefined && rest.from_number === undefined ? { ...rest, from_number: fromPhone } : rest;
    const { result } = await this.createBatchCall.execute({ auth, settings: native, upload, initialStatus: 'pending' });
    return { batch_id: result.batch_id, state: 'created' };
  }

  @Post('schedule')
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Schedule a created batch',
    description:
      '`scheduled_at`: ISO 8601 with a time zone, e.g. 2024-06-01T04:10:00+05:30. A scheduled batch may be scheduled again.',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  @ApiBody({
    schema: obj({ agent_id: s, batch_id: s, scheduled_at: { type: 'string', format: 'date-time' } }, [
      'agent_id',
      'batch_id',
      'scheduled_at',
    ]),
  })
  @ApiOkResponse({
    schema: obj({
      batch_id: s,
      state: { type: 'string', enum: ['scheduled'] },
      scheduled_at: { type: 'string', format: 'date-time' },
    }),
  })
  async schedule(@Auth() auth: AuthContext, @Req() request: Request): Promise<ScheduledAgentBatch> {
    const body = validateBody(BolnaScheduleBody, await readFormFields(request), { allowUnknown: true });
    return this.scheduleAgentBatch.execute({
      auth,
      agent_id: body.agent_id,
      batch_id: body.batch_id,
      scheduled_at: body.scheduled_at,
    });
  }

  @Get(':agent_id/:batch_id')
  @ApiOperation({
    summary: 'Batch status',
    description:
      '`status`: scheduled | queued | running | paused | completed | stopped (`outdial_status` has the native status).',
  })
  @ApiOkResponse({
    schema: obj({
      batch_id: s,
      agent_id: s,
      status: { type: 'string', enum: ['scheduled', 'queued', 'running', 'paused', 'completed', 'stopped'] },
      outdial_status: s,
    }),
  })
  async status(
    @Auth() auth: AuthContext,
    @Param('agent_id') agentId: string,
    @Param('batch_id') batchId: string,
  ): Promise<Record<string, unknown>> {
    return this.agentBatch.execute({ auth, agent_id: agentId, batch_id: batchId });
  }

  @Get(':agent_id/:batch_id/executions')
  @ApiOperation({
    summary: 'Every attempt (execution) of the batch, in dialing order',
    description: `At most ${MAX_EXECUTIONS}; \`X-Total-Count\` gives the total.`,
  })
  @ApiQuery({ name: 'outcome', required: false, description: 'Only attempts with these outcomes (comma separated)' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object', additionalProperties: true } } })
  async executions(
    @Auth() auth: AuthContext,
    @Param('agent_id') agentId: string,
    @Param('batch_id') batchId: string,
    @Query('outcome') outcome: string | undefined,
    @Req() request: Request,
  ): Promise<Record<string, unknown>[]> {
    const outcomes = outcome
      ? outcome
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : undefined;
    const executions = await this.listExecutions.execute({ auth, agent_id: agentId, batch_id: batchId, outcomes });
    request.res?.setHeader('X-Total-Count', String(executions.total));
    return executions.items;
  }

  @Post(':batch_id/stop')
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Stop (cancel) a batch' })
  @ApiParam({ name: 'batch_id' })
  @ApiOkResponse({ schema: obj({ batch_id: s, state: { type: 'string', enum: ['stopped'] }, message: s }) })
  async stop(@Auth() auth: AuthContext, @Param('batch_id') batchId: string): Promise<StoppedAgentBatch> {
    return this.stopAgentBatch.execute({ auth, batch_id: batchId });
  }
}

/** Trillet-style create (SPEC §9): multipart `file` + `agentId`, with `x-api-key` and `x-workspace-id`. */
@ApiTags('compatibility (Trillet-style)')
@Controller('v1/api/batch-calls')
export class TrilletCompatController {
  constructor(
    private readonly createBatchCall: CreateBatchCallUseCase,
    private readonly intake: UploadIntake,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Start batch calls from a CSV',
    description:
      'camelCase fields (agentId, fromNumber, maxAttempts, …) or the native names. `x-workspace-id`, when sent, must be the org id.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: obj({ file: { type: 'string', format: 'binary' }, agentId: s }, ['file', 'agentId']) })
  @ApiCreatedResponse({
    schema: obj({ success: { type: 'boolean' }, batchId: s, status: s, totalContacts: { type: 'integer' } }),
  })
  async create(@Auth() auth: AuthContext, @Req() request: Request): Promise<Record<string, unknown>> {
    const { settings, upload } = await this.intake.receive(request);
    const native = trilletSettings(settings);
    if (native.agent_id === undefined) {
      await this.intake.discard(upload);
      throw new ServiceError('validation_failed', 'agentId is required', [
        { field: 'agentId', problems: ['required'] },
      ]);
    }
    return trilletCreated((await this.createBatchCall.execute({ auth, settings: native, upload })).result);
  }
}
