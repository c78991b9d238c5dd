// The little of oidc-provider's API the tests use (the package ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  interface Account {
    accountId: string
    claims(): Promise<Record<string, unknown>>
  }
  interface Configuration {
    clients: Record<string, unknown>[]
    findAccount(ctx: unknown, id: string): Promise<Account>
    claims?: Record<string, string[]>
    pkce?: { required(): boolean }
    cookies?: { keys: string[] }
    ttl?: Record<string, number>
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    on(event: string, listener: (...args: unknown[]) => void): this
  }
}
