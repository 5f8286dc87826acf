import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { BatchStatusView, CreateBatchResult, RESULTS_FILTERS, ResultsFilter, ResultsPage, Subjects } from '@outdial/contracts';
import { NatsBus, RpcClient, SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';
import type { Request, Response } from 'express';
import { Auth, AuthContext } from '../auth/auth-context';
import { Roles } from '../auth/auth.guard';
import { GatewayEnv } from '../gateway-env';
import { CreateBatchUseCase } from './create-batch.usecase';
import { formFieldsToRequest } from './create-batch-request';
import { readJsonBody, receiveMultipart, storeJsonContacts } from './multipart-upload';

/** Bytes of CSV asked of reporting per page while streaming results. */
const RESULTS_PAGE_BYTES = 512 * 1024;

@Controller('api/batch-calls')
export class BatchCallsController {
  constructor(
    private readonly createBatch: CreateBatchUseCase,
    private readonly rpc: RpcClient,
    private readonly bus: NatsBus,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  async create(@Auth() auth: AuthContext, @Req() request: Request): Promise<CreateBatchResult> {
    const contentType = request.headers['content-type'] ?? '';
    if (/^multipart\/form-data/i.test(contentType)) {
      const { fields, upload } = await receiveMultipart(request, this.bus, this.config.GATEWAY_MAX_UPLOAD_BYTES);
      if (!upload) throw new ServiceError('validation_failed', 'the multipart request has no `file` part', [{ field: 'file', problems: ['required'] }]);
      return this.createBatch.execute(auth, formFieldsToRequest(fields), upload);
    }
    if (/^application\/json/i.test(contentType)) {
      const body = await readJsonBody(request, this.config.GATEWAY_MAX_JSON_BYTES);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ServiceError('validation_failed', 'the body must be a JSON object');
      const { calls, ...settings } = body as Record<string, unknown>;
      if (!Array.isArray(calls)) throw new ServiceError('validation_failed', '`calls` must be an array of contacts', [{ field: 'calls', problems: ['must be an array'] }]);
      const upload = await storeJsonContacts(this.bus, calls);
      return this.createBatch.execute(auth, settings, upload);
    }
    throw new ServiceError('unsupported_media_type', 'send multipart/form-data with a `file` part, or application/json with `calls`');
  }

  @Get(':id')
  status(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchStatusView> {
    return this.rpc.request<BatchStatusView>(Subjects.reportingGetBatch, { org_id: auth.org_id, batch_id: batchId });
  }

  /** Streams the results CSV page by page from reporting: constant memory whatever the batch size. */
  @Get(':id/results')
  async results(@Auth() auth: AuthContext, @Param('id') batchId: string, @Query('filter') filterParam: string | undefined, @Res() response: Response): Promise<void> {
    const filter = (filterParam ?? 'all') as ResultsFilter;
    if (!RESULTS_FILTERS.includes(filter)) {
      throw new ServiceError('validation_failed', `filter must be one of ${RESULTS_FILTERS.join(', ')}`, [{ field: 'filter', problems: [`one of ${RESULTS_FILTERS.join(', ')}`] }]);
    }
    const query = { org_id: auth.org_id, batch_id: batchId, filter, max_bytes: RESULTS_PAGE_BYTES };
    // The first page is asked before any byte is sent, so a missing batch is still a clean 404.
    let page = await this.rpc.request<ResultsPage>(Subjects.reportingResultsPage, { ...query, after_row: 0 });
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${batchId}-results-${filter}.csv"`);
    for (;;) {
      if (!response.write(page.csv)) await new Promise((resolve) => response.once('drain', resolve));
      if (page.next_after_row === null) break;
      page = await this.rpc.request<ResultsPage>(Subjects.reportingResultsPage, { ...query, after_row: page.next_after_row });
    }
    response.end();
  }
}
