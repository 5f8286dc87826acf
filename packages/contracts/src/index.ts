import 'reflect-metadata';

export * from './statuses';
export * from './error-codes';
export * from './subjects';
export * from './batch-settings';
export * from './events';
export * from './rpc';
export * from './ingest-rpc';
export * from './reporting-rpc';
export * from './lifecycle';
export * from './machine-detection';
export * from './circuit-breaker';
export * from './payload-registry';
