// What both floor servers (floor.ts on SQLite, floor-pg.ts on PostgreSQL) share: an EdDSA key imported once,
// a token for session-4242, and a Bun.serve that verifies the Bearer JWT with jose, looks the session's user
// up with the given function and answers it as JSON, then prints "READY <port> <token>".
import * as jose from 'jose'

export interface FloorUser {
  id: number
  username: string
  email: string
  first_name: string
  last_name: string
}

export async function serveFloor(port: number, lookup: (sid: string, now: number) => FloorUser | null | Promise<FloorUser | null>): Promise<void> {
  const { publicKey, privateKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const token = await new jose.SignJWT({ sid: 'session-4242', token_type: 'access' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })
    .setSubject('4242')
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey)

  const unauthorized = () => Response.json({ detail: 'Token is invalid', code: 'token_not_valid' }, { status: 401 })

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port,
    async fetch(request) {
      const header = request.headers.get('authorization')
      if (!header?.startsWith('Bearer ')) return unauthorized()
      let claims: jose.JWTPayload
      try {
        ;({ payload: claims } = await jose.jwtVerify(header.slice(7), publicKey, { algorithms: ['EdDSA'], typ: 'at+jwt' }))
      } catch {
        return unauthorized()
      }
      if (typeof claims.sid !== 'string') return unauthorized()
      const found = lookup(claims.sid, Date.now())
      const user = found instanceof Promise ? await found : found // no extra await for SQLite's synchronous lookup
      if (!user || String(user.id) !== claims.sub) return unauthorized()
      return Response.json({ pk: user.id, username: user.username, email: user.email, first_name: user.first_name, last_name: user.last_name })
    },
  })
  console.log(`READY ${server.port} ${token}`)
}
