import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';

import { BackgroundTasks } from './background-tasks';
import { Clock } from './clock';
import { Database } from './database';
import { EventPublisher } from './event-publisher';
import { Metrics } from './metrics';
import { NatsBus } from './nats-bus';
import { OpsController } from './ops.controller';
import { Outbox } from './outbox';
import { RpcClient } from './rpc-client';
import { SERVICE_CONFIG, SERVICE_LOGGER, SERVICE_NAME, ServiceRuntime } from './runtime';
import { UploadStore } from './upload-store';

const RUNTIME = Symbol('RUNTIME');

/** Hands the runtime's pieces to Nest's DI and closes them last on shutdown. */
@Global()
@Module({})
export class RuntimeModule implements OnApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  static forRuntime(runtime: ServiceRuntime): DynamicModule {
    const providers = [
      { provide: RUNTIME, useValue: runtime },
      { provide: SERVICE_CONFIG, useValue: runtime.config },
      { provide: SERVICE_LOGGER, useValue: runtime.logger },
      { provide: SERVICE_NAME, useValue: runtime.service },
      { provide: Database, useValue: runtime.db },
      { provide: NatsBus, useValue: runtime.bus },
      { provide: EventPublisher, useValue: runtime.publisher },
      { provide: Outbox, useValue: runtime.outbox },
      { provide: RpcClient, useValue: runtime.rpc },
      { provide: Metrics, useValue: runtime.metrics },
      { provide: Clock, useValue: runtime.clock },
      { provide: BackgroundTasks, useValue: runtime.tasks },
      { provide: UploadStore, useValue: runtime.uploads },
    ];
    return {
      module: RuntimeModule,
      controllers: [OpsController],
      providers,
      exports: providers.map((p) => p.provide),
    };
  }

  private closing?: Promise<void>;

  /**
   * Runs after the transport stopped intake and in-flight handlers finished. Nest calls it once
   * for the app and once for the microservice (they share the modules), hence the guard.
   */
  onApplicationShutdown(): Promise<void> {
    this.closing ??= this.closeConnections();
    return this.closing;
  }

  private async closeConnections(): Promise<void> {
    const { outbox, bus, db, logger, tasks } = this.runtime;
    // Already stopped before the drain on a signal; here for app.close() without one (tests).
    await tasks.stop();
    await outbox.stop();
    await bus.close();
    await db.close();
    logger.info('stopped');
  }
}
