import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  CreatedWebhookEndpoint,
  CreateWebhookCommand,
  DEFAULT_LIST_PAGE_SIZE,
  ListPage,
  MAX_LIST_PAGE_SIZE,
  Subjects,
  WebhookDeliveryView,
  WebhookEndpointView,
} from '@outdial/contracts';
import { RpcClient, ServiceError } from '@outdial/service-runtime';
import type { Request } from 'express';

import { Roles } from './auth/auth.guard';
import { Auth, AuthContext } from './auth/auth-context';
import { readSmallJson } from './http/json-body';
import { intParam, listParam, rejectUnknownParams } from './http/list-query';

const BODY_FIELDS = ['url', 'events', 'description'];

/**
 * Org webhook endpoints (SPEC §8/§9). Reporting stores and delivers them; a created endpoint's
 * signing `secret` is in the create answer only. Batch `callback_url` deliveries are signed with
 * the org's callback secret (`GET /api/webhooks/callback-secret`).
 */
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  async create(@Auth() auth: AuthContext, @Req() request: Request): Promise<CreatedWebhookEndpoint> {
    const body = await readSmallJson(request);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ServiceError('validation_failed', 'the body must be a JSON object', [
        { field: '(body)', problems: ['must be a JSON object'] },
      ]);
    }
    const unknown = Object.keys(body).filter((k) => !BODY_FIELDS.includes(k));
    if (unknown.length > 0)
      throw new ServiceError(
        'validation_failed',
        `unknown field(s) ${unknown.join(', ')}`,
        unknown.map((field) => ({ field, problems: ['unknown field'] })),
      );
    // The RPC payload class validates url (http/https), events (SPEC §8 types) and description.
    return this.rpc.request(Subjects.reportingWebhookCreate, {
      ...(body as Omit<CreateWebhookCommand, 'org_id'>),
      org_id: auth.org_id,
    });
  }

  @Get()
  list(@Auth() auth: AuthContext): Promise<ListPage<WebhookEndpointView>> {
    return this.rpc.request(Subjects.reportingWebhookList, { org_id: auth.org_id });
  }

  @Get('callback-secret')
  @Roles('owner', 'admin')
  callbackSecret(@Auth() auth: AuthContext): Promise<{ secret: string }> {
    return this.rpc.request(Subjects.reportingWebhookCallbackSecret, { org_id: auth.org_id });
  }

  @Delete(':id')
  @Roles('owner', 'admin')
  remove(@Auth() auth: AuthContext, @Param('id') webhookId: string): Promise<{ webhook_id: string; deleted: true }> {
    return this.rpc.request(Subjects.reportingWebhookDelete, { org_id: auth.org_id, webhook_id: webhookId });
  }

  @Get(':id/deliveries')
  deliveries(
    @Auth() auth: AuthContext,
    @Param('id') webhookId: string,
    @Query() query: Record<string, string | string[] | undefined>,
  ): Promise<ListPage<WebhookDeliveryView>> {
    rejectUnknownParams(query, ['status', 'page', 'page_size']);
    const status = listParam('status', query.status, ['pending', 'delivered', 'failed']);
    if (status && status.length > 1)
      throw new ServiceError('validation_failed', 'status: give one status', [
        { field: 'status', problems: ['give one status'] },
      ]);
    return this.rpc.request(Subjects.reportingWebhookDeliveries, {
      org_id: auth.org_id,
      webhook_id: webhookId,
      status: status?.[0],
      page: intParam('page', query.page, { min: 1, max: 1_000_000, default: 1 }),
      page_size: intParam('page_size', query.page_size, {
        min: 1,
        max: MAX_LIST_PAGE_SIZE,
        default: DEFAULT_LIST_PAGE_SIZE,
      }),
    });
  }
}
