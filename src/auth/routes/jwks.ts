// GET /.well-known/jwks.json: the public signing keys, so services behind authkit verify access tokens alone.
import { Elysia } from 'elysia'
import { op } from '../../http/openapi.ts'
import type { WithAuth } from '../services.ts'
import { JwksResponse } from './schemas.ts'

export const jwksRoutes = (deps: WithAuth) => {
  const s = deps.auth
  return new Elysia({ name: 'auth-jwks', seed: deps.seed }).get(
    '/.well-known/jwks.json',
    async ({ set }) => {
      await s.keys.signingKey() // first start: make the key pair before anyone asks for it
      // Short: after `keys rotate` verifiers should see the new key soon (jose also refetches on an unknown kid).
      set.headers['cache-control'] = 'public, max-age=300'
      return s.keys.jwks()
    },
    {
      ...op({
        operationId: 'jwks_retrieve',
        tags: ['token'],
        summary: 'Public signing keys (JWKS)',
        description:
          'The public keys that sign access tokens, with `kid`; retired keys stay listed until the tokens they signed have expired. Empty with HS256.',
        responses: { 200: JwksResponse },
      }),
    },
  )
}
