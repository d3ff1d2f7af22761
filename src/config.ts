/**
 * @module config
 * The service's settings, all from the environment (documented in README).
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Use this NATS server or cluster instead of an embedded one. */
  readonly natsUrl: string | undefined;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Conformance/policy profile: default, legacy-rbac, secure-rbac, open-policy, cors. */
  readonly profile: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8778);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const level = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`LOG_LEVEL must be debug|info|warn|error`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: env.DATA_DIR ?? '.data',
    natsUrl: env.NATS_URL || undefined,
    logLevel: level,
    profile: env.PLACEMENT_PROFILE ?? 'default',
  };
}
