import type { Logger } from 'pino';

import { BackgroundTasks } from './background-tasks';
import { Clock } from './clock';
import { BaseServiceEnv } from './config';
import { Database } from './database';
import { EventPublisher } from './event-publisher';
import { Metrics } from './metrics';
import { NatsBus } from './nats-bus';
import { Outbox } from './outbox';
import { RpcClient } from './rpc-client';
import { UploadStore } from './upload-store';

/** Everything a service gets from the runtime, built once before Nest starts. */
export interface ServiceRuntime<Env extends BaseServiceEnv = BaseServiceEnv> {
  service: string;
  config: Env;
  logger: Logger;
  db: Database;
  bus: NatsBus;
  publisher: EventPublisher;
  outbox: Outbox;
  rpc: RpcClient;
  metrics: Metrics;
  clock: Clock;
  /** Periodic background loops: started after bootstrap, stopped before the consumers drain. */
  tasks: BackgroundTasks;
  /** The uploads object store (gateway -> ingest). */
  uploads: UploadStore;
  /** Producers validate payloads (NODE_ENV !== 'production' in the env the service started with). */
  validatePayloads: boolean;
}

/** DI tokens for the values that are not classes. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
