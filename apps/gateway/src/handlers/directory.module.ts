import { Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { Database, Logger, Outbox, SecretBox, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { GatewayEnv } from '../gateway-env';
import { AgentsController, OrgController, PhoneNumbersController, TokensController } from './directory.controller';
import { DirectoryStore } from '../persistence/directory-store';

/**
 * At start, the gateway writes every org's settings and every agent to the outbox again, so
 * consumers converge even on changes made while no gateway ran (e.g. by the admin CLI).
 */
@Injectable()
export class DirectoryReconciler implements OnApplicationBootstrap {
  constructor(
    private readonly directory: DirectoryStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  private done = false;

  async onApplicationBootstrap(): Promise<void> {
    // Nest runs bootstrap hooks for the HTTP app and again for the connected microservice.
    if (this.done) return;
    this.done = true;
    const count = await this.directory.republishAll();
    this.logger.info({ events: count }, 'directory republished (org settings and agents)');
  }
}

@Module({
  controllers: [AgentsController, PhoneNumbersController, TokensController, OrgController],
  providers: [
    {
      provide: SecretBox,
      useFactory: (env: GatewayEnv, logger: Logger) => SecretBox.forService(env.OUTDIAL_SECRETS_KEY, logger),
      inject: [SERVICE_CONFIG, SERVICE_LOGGER],
    },
    { provide: DirectoryStore, useFactory: (db: Database, outbox: Outbox, box: SecretBox) => new DirectoryStore(db, () => outbox.kick(), box), inject: [Database, Outbox, SecretBox] },
    DirectoryReconciler,
  ],
  exports: [DirectoryStore, SecretBox],
})
export class DirectoryModule {}
