import 'reflect-metadata';

export * from './batch-ingest';
export * from './batch-lifecycle';
export * from './batch-settings';
export * from './circuit-breaker';
export * from './common';
export * from './dialing';
export * from './error-codes';
export * from './ingest-queries';
export * from './machine-detection';
export * from './org-directory';
export * from './payload-registry';
export * from './reporting-queries';
export * from './statuses';
export * from './subject-map';
export * from './subjects';
export * from './webhooks';
