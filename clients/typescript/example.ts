// A frontend's use of the generated types with openapi-fetch: every path, body and answer is typed.
// Type-checked with the rest of the repository (bun check) and by test/docs/client-types.test.ts.
import createClient from 'openapi-fetch'
import type { paths } from './schema.d.ts'

export function authkitClient(baseUrl: string) {
  // credentials: 'include' sends and keeps the HttpOnly auth cookies (see "Frontend on another origin").
  return createClient<paths>({ baseUrl, credentials: 'include' })
}

/** Log in, read the profile, change the first name with the CSRF token from csrf/'s body, log out. */
export async function example(baseUrl: string, username: string, password: string): Promise<string> {
  const api = authkitClient(baseUrl)
  const login = await api.POST('/api/auth/login/', { body: { username, password } })
  if (login.error) throw new Error(`login failed: ${JSON.stringify(login.error)}`)

  const { data: me } = await api.GET('/api/auth/user/')
  const { data: csrf } = await api.GET('/api/auth/csrf/')
  const headers = { 'X-CSRFToken': csrf?.csrftoken ?? '' }
  const { data: updated } = await api.PATCH('/api/auth/user/', { body: { first_name: 'Ada' }, headers })
  await api.POST('/api/auth/logout/', { body: {}, headers })
  return `${me?.username} is now ${updated?.first_name}`
}
