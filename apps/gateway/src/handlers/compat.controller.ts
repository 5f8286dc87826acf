import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BatchActionCommand, BatchActionResult, BatchStatusView, CallItem, ListPage, Subjects } from '@outdial/contracts';
import { RpcClient, ServiceError } from '@outdial/service-runtime';
import type { Request } from 'express';
import { Auth, AuthContext } from './auth/auth-context';
import { Roles } from './auth/auth.guard';
import { CreateBatchUseCase } from '../usecases/create-batch-call/create-batch-call.usecase';
import { UploadIntake } from '../adapters/uploads/upload-intake';
import { validateBody } from './http/json-body';
import { bolnaBatch, bolnaExecution, ISO_WITH_OFFSET, trilletCreated, trilletSettings } from '../domain/compat-mapping';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches } from 'class-validator';
import { readFormFields } from './http/form-fields';

/** `POST /batches/schedule` form fields (surrounding spaces ignored). */
export class BolnaScheduleBody {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @IsNotEmpty({ message: 'agent_id is required' })
  agent_id: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @IsNotEmpty({ message: 'batch_id is required' })
  batch_id: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'scheduled_at is required' })
  @Matches(ISO_WITH_OFFSET, { message: 'scheduled_at must be ISO 8601 with a time zone, e.g. 2024-06-01T04:10:00+05:30' })
  scheduled_at: string;
}

/** Most executions one `GET …/executions` returns (pages of 100 asked of reporting). */
export const MAX_EXECUTIONS = 10_000;
const CALLS_PAGE_SIZE = 100;

const obj = (properties: Record<string, object>, required: string[] = []) => ({ type: 'object', properties, ...(required.length ? { required } : {}) });
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
    private readonly createBatch: CreateBatchUseCase,
    private readonly intake: UploadIntake,
    private readonly rpc: RpcClient,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Create a batch for an agent; it waits (pending) until scheduled', description: 'Any native create setting may also be sent as a form field.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: obj({ file: { type: 'string', format: 'binary' }, agent_id: s, from_phone_number: { type: 'string', description: 'E.164, an outbound-enabled number of the org' } }, ['file', 'agent_id']) })
  @ApiOkResponse({ schema: obj({ batch_id: s, state: { type: 'string', enum: ['created'] } }) })
  async create(@Auth() auth: AuthContext, @Req() request: Request): Promise<{ batch_id: string; state: 'created' }> {
    const { settings, upload } = await this.intake.receive(request);
    const { from_phone_number: fromPhone, ...rest } = settings;
    const native = fromPhone !== undefined && rest.from_number === undefined ? { ...rest, from_number: fromPhone } : rest;
    const result = await this.createBatch.execute(auth, native, upload, { initialStatus: 'pending' });
    return { batch_id: result.batch_id, state: 'created' };
  }

  @Post('schedule')
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Schedule a created batch', description: '`scheduled_at`: ISO 8601 with a time zone, e.g. 2024-06-01T04:10:00+05:30. A scheduled batch may be scheduled again.' })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  @ApiBody({ schema: obj({ agent_id: s, batch_id: s, scheduled_at: { type: 'string', format: 'date-time' } }, ['agent_id', 'batch_id', 'scheduled_at']) })
  @ApiOkResponse({ schema: obj({ batch_id: s, state: { type: 'string', enum: ['scheduled'] }, scheduled_at: { type: 'string', format: 'date-time' } }) })
  async schedule(@Auth() auth: AuthContext, @Req() request: Request): Promise<{ batch_id: string; state: 'scheduled'; scheduled_at: string | null | undefined }> {
    const body = validateBody(BolnaScheduleBody, await readFormFields(request), { allowUnknown: true });
    const batch = await this.batchOfAgent(auth, body.agent_id, body.batch_id);
    const command: BatchActionCommand = { org_id: auth.org_id, batch_id: batch.batch_id, action: 'reschedule', scheduled_start_time: body.scheduled_at };
    const result = await this.rpc.request<BatchActionResult>(Subjects.schedulerBatchAction, command);
    await this.untilReported(auth, result);
    return { batch_id: result.batch_id, state: 'scheduled', scheduled_at: result.scheduled_start_time };
  }

  @Get(':agent_id/:batch_id')
  @ApiOperation({ summary: 'Batch status', description: '`status`: scheduled | queued | running | paused | completed | stopped (`outdial_status` has the native status).' })
  @ApiOkResponse({ schema: obj({ batch_id: s, agent_id: s, status: { type: 'string', enum: ['scheduled', 'queued', 'running', 'paused', 'completed', 'stopped'] }, outdial_status: s }) })
  async status(@Auth() auth: AuthContext, @Param('agent_id') agentId: string, @Param('batch_id') batchId: string): Promise<Record<string, unknown>> {
    return bolnaBatch(await this.batchOfAgent(auth, agentId, batchId));
  }

  @Get(':agent_id/:batch_id/executions')
  @ApiOperation({ summary: 'Every attempt (execution) of the batch, in dialing order', description: `At most ${MAX_EXECUTIONS}; \`X-Total-Count\` gives the total.` })
  @ApiQuery({ name: 'outcome', required: false, description: 'Only attempts with these outcomes (comma separated)' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object', additionalProperties: true } } })
  async executions(
    @Auth() auth: AuthContext,
    @Param('agent_id') agentId: string,
    @Param('batch_id') batchId: string,
    @Query('outcome') outcome: string | undefined,
    @Req() request: Request,
  ): Promise<Record<string, unknown>[]> {
    const batch = await this.batchOfAgent(auth, agentId, batchId);
    const outcomes = outcome ? outcome.split(',').map((o) => o.trim()).filter(Boolean) : undefined;
    const out: Record<string, unknown>[] = [];
    let total = 0;
    for (let page = 1; out.length < MAX_EXECUTIONS; page++) {
      const result = await this.rpc.request<ListPage<CallItem>>(Subjects.reportingCallsPage, {
        org_id: auth.org_id,
        batch_id: batch.batch_id,
        page,
        page_size: CALLS_PAGE_SIZE,
        ...(outcomes ? { outcome: outcomes } : {}),
      });
      total = result.total;
      for (const call of result.items) if (out.length < MAX_EXECUTIONS) out.push(bolnaExecution(call, batch));
      if (result.items.length < CALLS_PAGE_SIZE || page * CALLS_PAGE_SIZE >= result.total) break;
    }
    request.res?.setHeader('X-Total-Count', String(total));
    return out;
  }

  @Post(':batch_id/stop')
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Stop (cancel) a batch' })
  @ApiParam({ name: 'batch_id' })
  @ApiOkResponse({ schema: obj({ batch_id: s, state: { type: 'string', enum: ['stopped'] }, message: s }) })
  async stop(@Auth() auth: AuthContext, @Param('batch_id') batchId: string): Promise<{ batch_id: string; state: 'stopped'; message: string }> {
    const command: BatchActionCommand = { org_id: auth.org_id, batch_id: batchId, action: 'cancel' };
    const result = await this.rpc.request<BatchActionResult>(Subjects.schedulerBatchAction, command);
    await this.untilReported(auth, result);
    return { batch_id: result.batch_id, state: 'stopped', message: 'success' };
  }

  /**
   * Read-your-writes for scripts that poll right after acting (the seed's client does): answer once
   * reporting, fed by events, shows the scheduler's new status, or the batch moved on past it. Bounded:
   * at worst the answer goes out and the status follows moments later.
   */
  private async untilReported(auth: AuthContext, result: BatchActionResult): Promise<void> {
    const deadline = Date.now() + 3000;
    for (let wait = 5; Date.now() < deadline; wait = Math.min(wait * 2, 100)) {
      const view = await this.rpc.request<BatchStatusView>(Subjects.reportingGetBatch, { org_id: auth.org_id, batch_id: result.batch_id }).catch(() => undefined);
      if (!view || view.status !== result.previous_status) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** The batch, if it is this org's and belongs to this agent (404 otherwise, like any other org's object). */
  private async batchOfAgent(auth: AuthContext, agentId: string, batchId: string): Promise<BatchStatusView> {
    const batch = await this.rpc.request<BatchStatusView>(Subjects.reportingGetBatch, { org_id: auth.org_id, batch_id: batchId });
    if (batch.agent_id !== agentId) throw new ServiceError('not_found', `batch ${batchId} not found for agent ${agentId}`);
    return batch;
  }
}

/** Trillet-style create (SPEC §9): multipart `file` + `agentId`, with `x-api-key` and `x-workspace-id`. */
@ApiTags('compatibility (Trillet-style)')
@Controller('v1/api/batch-calls')
export class TrilletCompatController {
  constructor(
    private readonly createBatch: CreateBatchUseCase,
    private readonly intake: UploadIntake,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Start batch calls from a CSV', description: 'camelCase fields (agentId, fromNumber, maxAttempts, …) or the native names. `x-workspace-id`, when sent, must be the org id.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: obj({ file: { type: 'string', format: 'binary' }, agentId: s }, ['file', 'agentId']) })
  @ApiCreatedResponse({ schema: obj({ success: { type: 'boolean' }, batchId: s, status: s, totalContacts: { type: 'integer' } }) })
  async create(@Auth() auth: AuthContext, @Req() request: Request): Promise<Record<string, unknown>> {
    const { settings, upload } = await this.intake.receive(request);
    const native = trilletSettings(settings);
    if (native.agent_id === undefined) {
      await this.intake.discard(upload);
      throw new ServiceError('validation_failed', 'agentId is required', [{ field: 'agentId', problems: ['required'] }]);
    }
    return trilletCreated(await this.createBatch.execute(auth, native, upload));
  }
}
