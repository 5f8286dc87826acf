import { BaseServiceEnv, EnvBool, EnvInt, EnvNumber, IsSecretsKey } from '@outdial/service-runtime';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class GatewayEnv extends BaseServiceEnv {
  /** SPEC §11: the gateway listens on 8010 (GATEWAY_PORT). */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 8010;

  @IsString()
  override HTTP_HOST: string = '0.0.0.0';

  /** Largest upload accepted (SPEC §2: 100 MB), enforced while streaming. */
  @EnvInt()
  @IsInt()
  @Min(1)
  GATEWAY_MAX_UPLOAD_BYTES: number = 100 * 1024 * 1024;

  /** Largest JSON request body. */
  @EnvInt()
  @IsInt()
  @Min(1024)
  GATEWAY_MAX_JSON_BYTES: number = 20 * 1024 * 1024;

  /**
   * Read-your-writes bound: how long a batch write (create, pause, resume, cancel, reschedule,
   * delete) waits for the read model to show it before it is answered anyway (0 = do not wait).
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(30_000)
  GATEWAY_READ_YOUR_WRITES_MS: number = 5_000;

  /** How long a create may take (a 1M-row file is ingested within it). */
  @EnvInt()
  @IsInt()
  @Min(1000)
  GATEWAY_CREATE_TIMEOUT_MS: number = 300_000;

  /** `file_url` local imports are allowed only inside this directory (unset: local paths refused). */
  @IsString()
  INGEST_IMPORT_DIR: string = '';

  /** How long fetching an http(s) `file_url` may take, download included. */
  @EnvInt()
  @IsInt()
  @Min(100)
  FILE_URL_TIMEOUT_MS: number = 120_000;

  /** Let `file_url` reach loopback/private hosts (off by default: no requests into the platform's own network). */
  @EnvBool()
  @IsBoolean()
  FILE_URL_ALLOW_PRIVATE: boolean = false;

  /** Requests per second allowed per API token (a token bucket in PostgreSQL, shared by every gateway replica); 0 turns the limit off. */
  @EnvNumber()
  @IsNumber()
  @Min(0)
  GATEWAY_RATE_LIMIT_PER_SECOND: number = 50;

  /** Burst a token may spend at once before the per-second rate applies. */
  @EnvInt()
  @IsInt()
  @Min(1)
  GATEWAY_RATE_LIMIT_BURST: number = 100;

  /**
   * How long a resolved token is trusted without asking the database. Revocations through the API
   * reach every gateway at once (a NATS broadcast); this bound is for a lost broadcast and the CLI.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(60_000)
  GATEWAY_AUTH_CACHE_MS: number = 2000;

  /** The gateway's public address as providers call it (Twilio signs the full URL it called). */
  @IsString()
  @Matches(/^https?:\/\/[^/]+/, { message: 'PUBLIC_BASE_URL must be an http(s) URL' })
  PUBLIC_BASE_URL: string = 'http://127.0.0.1:8010';

  /** Shared with the dialer: verifies `http` provider callbacks (X-Outdial-Signature); unset: http callbacks are refused. */
  @IsOptional()
  @IsString()
  HTTP_PROVIDER_SIGNING_SECRET?: string;

  /** Verifies X-Twilio-Signature of Twilio status callbacks; unset: twilio callbacks are refused. */
  @IsOptional()
  @IsString()
  TWILIO_AUTH_TOKEN?: string;

  /** How far a signed callback's timestamp may be from now (replay protection). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  PROVIDER_CALLBACK_TOLERANCE_SECONDS: number = 300;

  /** `production` makes OUTDIAL_SECRETS_KEY mandatory. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /**
   * AES-256-GCM key sealing agents' provider secrets (32 bytes, base64: `openssl rand -base64 32`);
   * the same value on the gateway and every dialer. Unset: a fixed development key, refused when
   * NODE_ENV=production.
   */
  @IsSecretsKey()
  OUTDIAL_SECRETS_KEY?: string;

  /** Platform-wide webhook secrets, used for agents without their own `config.webhook_secret`. */
  @IsOptional()
  @IsString()
  VAPI_WEBHOOK_SECRET?: string;

  @IsOptional()
  @IsString()
  ELEVENLABS_WEBHOOK_SECRET?: string;

  @IsOptional()
  @IsString()
  BLAND_WEBHOOK_SECRET?: string;

  @IsOptional()
  @IsString()
  BOLNA_WEBHOOK_SECRET?: string;
}

/**
 * The environment the gateway reads, with SPEC §11's name for its port: `GATEWAY_PORT` stands
 * for `HTTP_PORT` when that is not set. Returns a copy; `env` is not changed.
 */
export function withGatewayPort(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GATEWAY_PORT && !env.HTTP_PORT ? { ...env, HTTP_PORT: env.GATEWAY_PORT } : env;
}
