export interface Stack {
  baseUrl: string;
  rpcUrl: string;
  issuerUrl: string;
  database: string;
  databaseUrl: string;
  operatorId: string;
  keyId: string;
  secret: string;
  subject: string;
  env: NodeJS.ProcessEnv;
  stop: () => Promise<void>;
}
export const DASHBOARD: string;
export const MPPPAL_BIN: string;
export function freePort(): Promise<number>;
export function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string>;
export function waitFor(what: string, check: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
export function psql(sql: string, database?: string): Promise<string>;
export function rpc(url: string, method: string, params: unknown[]): Promise<unknown>;
export function startStack(options?: { subject?: string; dashboardDir?: string }): Promise<Stack>;
