// Who is logged in, asked the way any client asks: GET /api/auth/user/ through the app itself, with
// the browser's own credentials. The UI never reads sessions or tokens behind the API's back.
import { z } from 'zod'
import type { SessionUser } from '../../views/ui/status.tsx'

export interface Handler {
  handle(request: Request): Promise<Response>
}

const UserAnswer = z.object({
  pk: z.number(),
  username: z.string(),
  email: z.string(),
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  email_verified: z.boolean().optional(),
  date_joined: z.string().optional(),
})

/** Request headers that carry the caller's identity, copied onto internal sub-requests. */
export function credentialHeaders(request: Request, accept = 'application/json'): Headers {
  const headers = new Headers({ accept })
  for (const name of ['cookie', 'authorization', 'user-agent']) {
    const value = request.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  return headers
}

export async function currentUser(app: Handler, request: Request): Promise<SessionUser | null> {
  const url = new URL('/api/auth/user/', request.url)
  const res = await app.handle(new Request(url, { headers: credentialHeaders(request) }))
  if (res.status !== 200) return null
  const parsed = UserAnswer.safeParse(await res.json().catch(() => null))
  return parsed.success ? parsed.data : null
}
