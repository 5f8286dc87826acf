import 'reflect-metadata';

export * from './config';
export * from './errors';
export * from './settlement';
export * from './clock';
export * from './logger';
export * from './database';
export * from './metrics';
export * from './nats-bus';
export * from './event-publisher';
export * from './rpc-client';
export * from './outbox';
export * from './jetstream-transport';
export * from './runtime';
export * from './runtime.module';
export * from './ops.controller';
export * from './start-service';
export * from './secret-box';
