// ALLOWED_HOSTS as it applies: the configured list, or the default derived from PUBLIC_URL.

/** The configured list, or its default: the host of PUBLIC_URL plus the loopback names. */
export function allowedHosts(config: { allowedHosts: readonly string[]; publicUrl: string | null }): string[] {
  if (config.allowedHosts.length > 0) return [...config.allowedHosts]
  const own = config.publicUrl ? [new URL(config.publicUrl).hostname] : []
  return [...own, 'localhost', '127.0.0.1', '[::1]']
}
