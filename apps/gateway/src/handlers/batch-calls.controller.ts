import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  BatchStatusView,
  CreateBatchResult,
  RESULTS_FILTERS,
  ResultsFilter,
  Subjects,
  ValidateBatchResult,
} from '@outdial/contracts';
import { RpcClient, ServiceError } from '@outdial/service-runtime';
import type { Request, Response } from 'express';

import { BatchStatusReads } from '../adapters/batch-status-reads';
import { UploadIntake } from '../adapters/uploads/upload-intake';
import { CreateBatchCallUseCase } from '../usecases/create-batch-call/create-batch-call.usecase';
import { GetCsvTemplateUseCase } from '../usecases/get-csv-template/get-csv-template.usecase';
import { ValidateBatchCallUseCase } from '../usecases/validate-batch-call/validate-batch-call.usecase';
import { Roles } from './auth/auth.guard';
import { Auth, AuthContext } from './auth/auth-context';
import { streamCsvPages } from './http/csv-page-stream';
import { readIdempotencyKey } from './http/idempotency-key';

/** Bytes of CSV per page while streaming the issues list: JSON escaping in the reply must stay under NATS's 1 MB. */
const ISSUES_PAGE_BYTES = 640 * 1024;

/**
 * Bytes of CSV per page (as sent, JSON-escaped) while streaming results. Small enough that every
 * copy a page goes through on its way (the NATS reply, its decoded text, the parsed CSV, the socket
 * write) is an ordinary young-generation object under V8's 128 KB large-object size, freed by the
 * next scavenge: a 1M-row export adds ~15 MB to the gateway, where 640 KB pages added ~60 MB. Large
 * enough that the per-page round trip (~1.5 ms) stays a small part of a page (~600 results records):
 * ~100-140k rows/s on the 2-CPU bench machine.
 */
const RESULTS_PAGE_BYTES = 96 * 1024;

@Controller('api/batch-calls')
export class BatchCallsController {
  constructor(
    private readonly createBatchCall: CreateBatchCallUseCase,
    private readonly validateBatchCall: ValidateBatchCallUseCase,
    private readonly csvTemplate: GetCsvTemplateUseCase,
    private readonly rpc: RpcClient,
    private readonly intake: UploadIntake,
    private readonly statusReads: BatchStatusReads,
  ) {}

  /** Create (SPEC §9); with `Idempotency-Key`, a repeat of the same request returns the same batch. */
  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  async create(
    @Auth() auth: AuthContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreateBatchResult> {
    const key = readIdempotencyKey(request.headers['idempotency-key']);
    const { settings, upload } = await this.intake.receive(request);
    const outcome = await this.createBatchCall.execute({ auth, settings, upload, idempotencyKey: key });
    if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return outcome.result;
  }

  /** Dry run: the create's inputs and checks, the validation report back, nothing stored. */
  @Post('validate')
  @HttpCode(200)
  @Roles('owner', 'admin')
  async validate(@Auth() auth: AuthContext, @Req() request: Request): Promise<ValidateBatchResult> {
    const { settings, upload } = await this.intake.receive(request);
    return this.validateBatchCall.execute({ auth, settings, upload });
  }

  /** A CSV header for an agent: phone, name, then the variables the agent expects. */
  @Get('template.csv')
  async template(
    @Auth() auth: AuthContext,
    @Query('agent_id') agentId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    if (!agentId)
      throw new ServiceError('validation_failed', 'agent_id is required', [
        { field: 'agent_id', problems: ['required'] },
      ]);
    const template = await this.csvTemplate.execute({ auth, agent_id: agentId });
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${template.filename}"`);
    response.end(template.csv);
  }

  @Get(':id')
  status(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchStatusView> {
    return this.statusReads.get(auth.org_id, batchId);
  }

  /** Streams the results CSV page by page from reporting: constant memory whatever the batch size. */
  @Get(':id/results')
  async results(
    @Auth() auth: AuthContext,
    @Param('id') batchId: string,
    @Query('filter') filterParam: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const filter = (filterParam ?? 'all') as ResultsFilter;
    if (!RESULTS_FILTERS.includes(filter)) {
      throw new ServiceError('validation_failed', `filter must be one of ${RESULTS_FILTERS.join(', ')}`, [
        { field: 'filter', problems: [`one of ${RESULTS_FILTERS.join(', ')}`] },
      ]);
    }
    const query = { org_id: auth.org_id, batch_id: batchId, filter, max_bytes: RESULTS_PAGE_BYTES };
    await streamCsvPages(response, `${batchId}-results-${filter}.csv`, (afterRow) =>
      this.rpc.request(Subjects.reportingResultsPage, { ...query, after_row: afterRow }),
    );
  }

  /** The full validation issue list of a batch (SPEC §2), streamed page by page from ingest. */
  @Get(':id/issues.csv')
  async issues(@Auth() auth: AuthContext, @Param('id') batchId: string, @Res() response: Response): Promise<void> {
    const query = { org_id: auth.org_id, batch_id: batchId, max_bytes: ISSUES_PAGE_BYTES };
    await streamCsvPages(response, `${batchId}-issues.csv`, (afterRow) =>
      this.rpc.request(Subjects.ingestIssuesPage, { ...query, after_row: afterRow }),
    );
  }
}
