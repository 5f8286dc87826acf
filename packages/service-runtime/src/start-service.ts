import 'reflect-metadata';

import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { BackgroundTasks } from './background-tasks';
import { Clock, clockFromConfig } from './clock';
import { BaseServiceEnv, ConfigError, loadConfig } from './config';
import { createPool, Database, ensureDatabaseExists, Migration, runMigrations } from './database';
import { EventPublisher, producerValidationEnabled } from './event-publisher';
import { JetStreamTransport, RethrowRpcErrorsFilter } from './jetstream-transport';
import { createLogger, NestPinoLogger } from './logger';
import { Metrics } from './metrics';
import { NatsBus } from './nats-bus';
import { Outbox } from './outbox';
import { RpcClient } from './rpc-client';
import { ServiceRuntime } from './runtime';
import { RuntimeModule } from './runtime.module';

export interface ServiceDefinition<Env extends BaseServiceEnv> {
  /** Also the PostgreSQL schema the service owns and its NATS queue group. */
  name: string;
  env: new () => Env;
  migrations: Migration[];
  /** The service's root module, given the runtime (for its own providers). */
  module: (runtime: ServiceRuntime<Env>) => Type<unknown>;
  /** Pool size; the dialer and ingest want more. */
  poolSize?: number;
  clock?: Clock;
  /** Last hook before listening (body parsers, WebSocket adapters, ...). */
  configure?: (app: INestApplication, runtime: ServiceRuntime<Env>) => void | Promise<void>;
}

export interface StartServiceOptions {
  /**
   * The environment the configuration is read from (default `process.env`). Integration specs
   * pass their own object instead of mutating `process.env`; nothing in the runtime reads
   * `process.env` besides this default.
   */
  env?: Record<string, string | undefined>;
}

export interface RunningService<Env extends BaseServiceEnv> {
  app: INestApplication;
  runtime: ServiceRuntime<Env>;
  port: number;
}

/**
 * Boots one service: validated config, logger, database (created if missing, migrated), NATS
 * (streams provisioned), the Nest app with its HTTP server and the JetStream transport; shuts down
 * gracefully on SIGINT/SIGTERM (intake first, in-flight work, then connections).
 */
export async function startService<Env extends BaseServiceEnv>(
  definition: ServiceDefinition<Env>,
  options: StartServiceOptions = {},
): Promise<RunningService<Env>> {
  const env = options.env ?? process.env;
  const validatePayloads = producerValidationEnabled(env);
  let config: Env;
  let clock: Clock;
  try {
    config = loadConfig(definition.env, env);
    try {
      clock = definition.clock ?? clockFromConfig(config);
    } catch (error) {
      throw new ConfigError([(error as Error).message]);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(definition.name, config.LOG_LEVEL, config.REPLICA_ID);
  await ensureDatabaseExists(config.DATABASE_URL);
  const db = new Database(
    createPool(config.DATABASE_URL, definition.poolSize ?? 10, `${definition.name}-${config.REPLICA_ID}`),
    definition.name,
  );
  const applied = await runMigrations(db, definition.migrations);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const bus = await NatsBus.connect(
    config.NATS_URL,
    config.NATS_PREFIX,
    `${definition.name}-${config.REPLICA_ID}`,
    logger,
    { validatePayloads },
  );
  await bus.provisionStreams();
  const metrics = new Metrics(definition.name, config.REPLICA_ID);
  const publisher = new EventPublisher(bus, validatePayloads);
  const runtime: ServiceRuntime<Env> = {
    service: definition.name,
    config,
    logger,
    db,
    bus,
    publisher,
    outbox: new Outbox(
      db,
      publisher,
      logger.child({ component: 'outbox' }),
      metrics,
      undefined,
      undefined,
      validatePayloads,
    ),
    rpc: new RpcClient(bus, logger.child({ component: 'rpc' }), validatePayloads),
    metrics,
    clock,
    tasks: new BackgroundTasks(logger.child({ component: 'tasks' })),
    uploads: bus.uploadsStore(),
    validatePayloads,
  };

  const root = definition.module(runtime);
  const app = await NestFactory.create(
    {
      module: class AppRootModule {},
      imports: [RuntimeModule.forRuntime(runtime as ServiceRuntime), root],
    } as unknown as Type<unknown>,
    { logger: new NestPinoLogger(logger.child({ component: 'nest' })), bodyParser: false },
  );
  // Handlers get two thirds of the shutdown budget; the rest closes HTTP, the outbox and connections.
  const drainTimeoutMs = Math.floor((config.SHUTDOWN_TIMEOUT_MS * 2) / 3);
  const transport = new JetStreamTransport(
    bus,
    definition.name,
    logger.child({ component: 'transport' }),
    metrics,
    undefined,
    drainTimeoutMs,
  );
  transport.useProviders((token) => app.get(token, { strict: false }));
  // Deferred so the filter is in place before Nest wires the handlers.
  const microservice = app.connectMicroservice({ strategy: transport }, { deferInitialization: true });
  microservice.useGlobalFilters(new RethrowRpcErrorsFilter());
  await definition.configure?.(app, runtime);
  await app.startAllMicroservices();
  runtime.outbox.start();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  // After bootstrap (both of Nest's bootstrap passes are done): once.
  runtime.tasks.start();
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
  logger.info({ port, prefix: config.NATS_PREFIX }, `${definition.name} ready on http://${config.HTTP_HOST}:${port}`);
  if (clock.nowMs() - Date.now() > 1000 || Date.now() - clock.nowMs() > 1000)
    logger.warn(
      { clock: clock.now().toISOString() },
      'service clock is not real time (CLOCK_START_AT / CLOCK_OFFSET_MS)',
    );
  installGracefulShutdown(app, transport, runtime.tasks, config.SHUTDOWN_TIMEOUT_MS, logger);
  return { app, runtime, port };
}

/**
 * SIGINT/SIGTERM: stop intake first (the transport stops consuming and waits for the handlers in
 * flight), then let Nest run the modules' shutdown hooks (background loops, outbox flush,
 * connections). A shutdown that hangs past its deadline exits anyway, saying so.
 */
function installGracefulShutdown(
  app: INestApplication,
  transport: JetStreamTransport,
  tasks: BackgroundTasks,
  timeoutMs: number,
  logger: { info: (msg: string) => void; error: (msg: string) => void },
): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    setTimeout(() => {
      logger.error(`graceful shutdown exceeded ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    try {
      // Background loops first: none may start work (or publish) while the consumers drain.
      await tasks.stop();
      await transport.close();
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Entry point of a service process: start it, or log why it could not start and exit non-zero. */
export function runService<Env extends BaseServiceEnv>(
  definition: ServiceDefinition<Env>,
  options: StartServiceOptions = {},
): void {
  startService(definition, options).catch((error: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service: definition.name, msg: 'failed to start', err: String((error as Error)?.stack ?? error) })}\n`,
    );
    process.exit(1);
  });
}
