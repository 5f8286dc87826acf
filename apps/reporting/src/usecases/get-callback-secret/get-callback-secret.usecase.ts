import { Injectable } from '@nestjs/common';
import { OrgQuery, WebhookCallbackSecretReply } from '@outdial/contracts';
import { Clock } from '@outdial/service-runtime';

import { CallbackSecretsRepository } from '../../persistence/callback-secrets.repository';

/** The secret the org's batch `callback_url` deliveries are signed with; made on first ask (or first use). */
@Injectable()
export class GetCallbackSecretUseCase {
  constructor(
    private readonly clock: Clock,
    private readonly secrets: CallbackSecretsRepository,
  ) {}

  async execute(query: OrgQuery): Promise<WebhookCallbackSecretReply> {
    return { secret: await this.secrets.getOrCreate(query.org_id, this.clock.now()) };
  }
}
