import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import {
  BATCH_STATUSES,
  BatchActivityItem,
  BatchListItem,
  BatchReport,
  BatchStatusView,
  CALL_OUTCOMES,
  CallItem,
  CONTACT_PAGE_SIZES,
  CONTACT_STATUSES,
  ContactItem,
  DEFAULT_CONTACT_PAGE_SIZE,
  DEFAULT_LIST_PAGE_SIZE,
  ListPage,
  MAX_LIST_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
  Subjects,
} from '@outdial/contracts';
import { RpcClient, ServiceError } from '@outdial/service-runtime';
import type { Request, Response } from 'express';

import { FeedMessageType, ProgressFeed } from '../adapters/progress-feed';
import { Auth, AuthContext } from './auth/auth-context';
import { instantParam, intParam, listParam, oneOfIntParam, rejectUnknownParams, textParam } from './http/list-query';

type Query = Record<string, string | string[] | undefined>;

/** Keeps proxies from closing an idle event stream. */
const SSE_HEARTBEAT_MS = 15_000;

const page = (query: Query) => intParam('page', query.page, { min: 1, max: 1_000_000, default: 1 }) as number;

/**
 * Reading batches (SPEC §8/§9): list, contacts, calls, reports and live progress over SSE. Every
 * read goes to reporting with the caller's org, which answers another org's batch as not found.
 */
@Controller('api/batch-calls')
export class BatchReportsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly feed: ProgressFeed,
  ) {}

  @Get()
  list(@Auth() auth: AuthContext, @Query() query: Query): Promise<ListPage<BatchListItem>> {
    rejectUnknownParams(query, ['status', 'search', 'page', 'page_size']);
    return this.rpc.request(Subjects.reportingListBatches, {
      org_id: auth.org_id,
      status: listParam('status', query.status, BATCH_STATUSES),
      search: textParam('search', query.search, MAX_SEARCH_LENGTH),
      page: page(query),
      page_size: intParam('page_size', query.page_size, {
        min: 1,
        max: MAX_LIST_PAGE_SIZE,
        default: DEFAULT_LIST_PAGE_SIZE,
      }),
    });
  }

  @Get(':id/contacts')
  contacts(
    @Auth() auth: AuthContext,
    @Param('id') batchId: string,
    @Query() query: Query,
  ): Promise<ListPage<ContactItem>> {
    rejectUnknownParams(query, [
      'status',
      'attempts',
      'min_attempts',
      'max_attempts',
      'from',
      'to',
      'search',
      'page',
      'page_size',
    ]);
    const from = instantParam('from', query.from);
    const to = instantParam('to', query.to);
    if (from && to && from >= to)
      throw new ServiceError('validation_failed', 'from must be before to', [
        { field: 'to', problems: ['must be after from'] },
      ]);
    return this.rpc.request(Subjects.reportingContactsPage, {
      org_id: auth.org_id,
      batch_id: batchId,
      status: listParam('status', query.status, CONTACT_STATUSES),
      attempts: intParam('attempts', query.attempts, { min: 0, max: 100 }),
      min_attempts: intParam('min_attempts', query.min_attempts, { min: 0, max: 100 }),
      max_attempts: intParam('max_attempts', query.max_attempts, { min: 0, max: 100 }),
      from,
      to,
      search: textParam('search', query.search, MAX_SEARCH_LENGTH),
      page: page(query),
      page_size: oneOfIntParam('page_size', query.page_size, CONTACT_PAGE_SIZES, DEFAULT_CONTACT_PAGE_SIZE),
    });
  }

  @Get(':id/calls')
  calls(@Auth() auth: AuthContext, @Param('id') batchId: string, @Query() query: Query): Promise<ListPage<CallItem>> {
    rejectUnknownParams(query, ['outcome', 'contact_id', 'page', 'page_size']);
    return this.rpc.request(Subjects.reportingCallsPage, {
      org_id: auth.org_id,
      batch_id: batchId,
      outcome: listParam('outcome', query.outcome, CALL_OUTCOMES),
      contact_id: textParam('contact_id', query.contact_id, 200),
      page: page(query),
      page_size: intParam('page_size', query.page_size, {
        min: 1,
        max: MAX_LIST_PAGE_SIZE,
        default: DEFAULT_LIST_PAGE_SIZE,
      }),
    });
  }

  /** The batch's activity log (issue "operations you can trust"): who or what changed it, and why. */
  @Get(':id/activity')
  activity(
    @Auth() auth: AuthContext,
    @Param('id') batchId: string,
    @Query() query: Query,
  ): Promise<ListPage<BatchActivityItem>> {
    rejectUnknownParams(query, ['page', 'page_size']);
    return this.rpc.request(Subjects.reportingBatchActivity, {
      org_id: auth.org_id,
      batch_id: batchId,
      page: page(query),
      page_size: intParam('page_size', query.page_size, {
        min: 1,
        max: MAX_LIST_PAGE_SIZE,
        default: DEFAULT_LIST_PAGE_SIZE,
      }),
    });
  }

  @Get(':id/report.json')
  reportJson(@Auth() auth: AuthContext, @Param('id') batchId: string): Promise<BatchReport> {
    return this.rpc.request(Subjects.reportingReport, { org_id: auth.org_id, batch_id: batchId, format: 'json' });
  }

  @Get(':id/report.pdf')
  async reportPdf(@Auth() auth: AuthContext, @Param('id') batchId: string, @Res() response: Response): Promise<void> {
    const pdf = await this.rpc.request(
      Subjects.reportingReport,
      { org_id: auth.org_id, batch_id: batchId, format: 'pdf' },
      30_000,
    );
    const body = Buffer.from(pdf.content_base64, 'base64');
    response.status(200);
    response.setHeader('Content-Type', 'application/pdf');
    response.setHeader('Content-Length', String(body.length));
    response.setHeader('Content-Disposition', `attachment; filename="${pdf.filename.replace(/[^\w.-]/g, '_')}"`);
    response.end(body);
  }

  /** SSE (SPEC §8): `status` (the current state), `progress` (at most ~10/s), `final`; then the stream ends. */
  @Get(':id/events')
  async events(
    @Auth() auth: AuthContext,
    @Param('id') batchId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    let heartbeat: NodeJS.Timeout | undefined;
    const write = (type: FeedMessageType, batch: BatchStatusView) => {
      if (!response.headersSent) {
        response.status(200);
        response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
        response.setHeader('Cache-Control', 'no-cache, no-transform');
        response.setHeader('Connection', 'keep-alive');
        response.setHeader('X-Accel-Buffering', 'no');
        response.flushHeaders();
        heartbeat = setInterval(() => response.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
      }
      response.write(`event: ${type}\nid: ${Date.now()}\ndata: ${JSON.stringify(batch)}\n\n`);
    };
    // Opening throws not_found (another org's batch) before any byte is sent: a clean 404.
    const feed = await this.feed.open(auth.org_id, batchId, {
      send: write,
      end: () => {
        clearInterval(heartbeat);
        response.end();
      },
    });
    request.on('close', () => {
      clearInterval(heartbeat);
      feed.close();
    });
  }
}
