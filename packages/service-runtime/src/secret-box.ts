import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

import { registerDecorator, ValidationArguments } from 'class-validator';

/**
 * Provider secrets at rest and in transit between services (agent API keys, webhook secrets):
 * AES-256-GCM (NIST SP 800-38D) with a 96-bit random IV and a 128-bit tag, under one key from the
 * environment, OUTDIAL_SECRETS_KEY: 32 random bytes, base64 (`openssl rand -base64 32`). The gateway
 * seals; the gateway and the dialer open. The sealed text is `v1.<iv>.<tag>.<ciphertext>` (base64url).
 *
 * Without OUTDIAL_SECRETS_KEY a fixed development key is used, but only when NODE_ENV is not
 * `production`: in production the services refuse to start (see IsSecretsKey).
 */
export const DEV_SECRETS_KEY_NOTE =
  'OUTDIAL_SECRETS_KEY is not set: provider secrets are sealed with a fixed development key (never use this in production)';

const VERSION = 'v1';

export class SecretBox {
  private readonly key: Buffer;

  /** @param keyBase64 32 bytes, base64; undefined: the development key. Throws on a key of another size. */
  constructor(keyBase64: string | undefined) {
    this.key = keyBase64
      ? decodeKey(keyBase64)
      : createHash('sha256').update('outdial-development-secrets-key').digest();
  }

  /**
   * The service's box from its OUTDIAL_SECRETS_KEY, saying at `info` when it is the development key:
   * production (NODE_ENV=production) already refuses to start without a key, so on a development
   * platform this is no operator action and no `warn` line.
   */
  static forService(keyBase64: string | undefined, logger: { info: (msg: string) => void }): SecretBox {
    if (SecretBox.usesDevKey(keyBase64)) logger.info(DEV_SECRETS_KEY_NOTE);
    return new SecretBox(keyBase64);
  }

  /** Whether this box runs on the development key. */
  static usesDevKey(keyBase64: string | undefined): boolean {
    return !keyBase64;
  }

  /** Seals a JSON-able object (e.g. `{api_key, webhook_secret}`). */
  seal(value: Record<string, string>): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  /** Opens what seal() made; throws when the text was changed or sealed under another key. */
  open(sealed: string): Record<string, string> {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('sealed secrets: unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      return JSON.parse(text) as Record<string, string>;
    } catch {
      throw new Error('sealed secrets: cannot be opened with this OUTDIAL_SECRETS_KEY');
    }
  }
}

function decodeKey(keyBase64: string): Buffer {
  const key = Buffer.from(keyBase64.trim(), 'base64');
  if (key.length !== 32)
    throw new Error(
      `OUTDIAL_SECRETS_KEY must be 32 bytes in base64 (openssl rand -base64 32); got ${key.length} bytes`,
    );
  return key;
}

/** The problem with a configured key (undefined when fine): wrong size, or missing in production. */
export function secretsKeyProblem(keyBase64: string | undefined, nodeEnv: string | undefined): string | undefined {
  if (!keyBase64)
    return nodeEnv === 'production'
      ? 'OUTDIAL_SECRETS_KEY is required when NODE_ENV=production (make one with: openssl rand -base64 32)'
      : undefined;
  try {
    decodeKey(keyBase64);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Env-class decorator: OUTDIAL_SECRETS_KEY is 32 base64 bytes, and present when NODE_ENV=production. */
export function IsSecretsKey(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isSecretsKey',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { always: true },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          secretsKeyProblem(value as string | undefined, (args.object as { NODE_ENV?: string }).NODE_ENV) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          secretsKeyProblem(args.value as string | undefined, (args.object as { NODE_ENV?: string }).NODE_ENV) ??
          'invalid',
      },
    });
  };
}
