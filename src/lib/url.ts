// URLs that may carry a password (DATABASE_URL, EMAIL_URL), made safe to show.

/** The URL with its password replaced by ********: for `authkit config`, messages and log lines. */
export function maskUrlPassword(raw: string): string {
  try {
    const u = new URL(raw)
    if (u.password) u.password = '********'
    return u.toString()
  } catch {
    return '********'
  }
}
