import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreatedWebhookEndpoint,
  CreateWebhookCommand,
  ListPage,
  OrgQuery,
  Subjects,
  WebhookCallbackSecretReply,
  WebhookDeletedReply,
  WebhookDeliveriesQuery,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookQuery,
} from '@outdial/contracts';
import { RpcHandler } from '@outdial/service-runtime';

import { CreateWebhookUseCase } from '../usecases/create-webhook/create-webhook.usecase';
import { DeleteWebhookUseCase } from '../usecases/delete-webhook/delete-webhook.usecase';
import { GetCallbackSecretUseCase } from '../usecases/get-callback-secret/get-callback-secret.usecase';
import { ListWebhookDeliveriesUseCase } from '../usecases/list-webhook-deliveries/list-webhook-deliveries.usecase';
import { ListWebhooksUseCase } from '../usecases/list-webhooks/list-webhooks.usecase';

/** Org webhook endpoints and their delivery log over request/reply (the gateway's `/api/webhooks`). Handlers only translate. */
@Controller()
export class WebhooksHandler {
  constructor(
    private readonly createWebhookUseCase: CreateWebhookUseCase,
    private readonly listWebhooksUseCase: ListWebhooksUseCase,
    private readonly deleteWebhookUseCase: DeleteWebhookUseCase,
    private readonly listDeliveriesUseCase: ListWebhookDeliveriesUseCase,
    private readonly callbackSecretUseCase: GetCallbackSecretUseCase,
  ) {}

  @RpcHandler(Subjects.reportingWebhookCreate)
  createWebhook(@Payload() command: CreateWebhookCommand): Promise<CreatedWebhookEndpoint> {
    return this.createWebhookUseCase.execute(command);
  }

  @RpcHandler(Subjects.reportingWebhookList)
  listWebhooks(@Payload() query: OrgQuery): Promise<ListPage<WebhookEndpointView>> {
    return this.listWebhooksUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingWebhookDelete)
  deleteWebhook(@Payload() query: WebhookQuery): Promise<WebhookDeletedReply> {
    return this.deleteWebhookUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingWebhookDeliveries)
  webhookDeliveries(@Payload() query: WebhookDeliveriesQuery): Promise<ListPage<WebhookDeliveryView>> {
    return this.listDeliveriesUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingWebhookCallbackSecret)
  callbackSecret(@Payload() query: OrgQuery): Promise<WebhookCallbackSecretReply> {
    return this.callbackSecretUseCase.execute(query);
  }
}
