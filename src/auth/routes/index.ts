// The authentication routes under /api/auth (login, logout, token, csrf) and the JWKS document.
import { Elysia } from 'elysia'
import type { WithAuth } from '../services.ts'
import { csrfRoutes } from './csrf.ts'
import { forwardAuthRoutes } from './forward-auth.ts'
import { jwksRoutes } from './jwks.ts'
import { loginRoutes } from './login.ts'
import { logoutRoutes } from './logout.ts'
import { tokenRoutes } from './token.ts'

export const authRoutes = (deps: WithAuth) => {
  const api = new Elysia({ name: 'auth-api', prefix: '/api/auth', seed: deps.seed })
    .use(loginRoutes(deps))
    .use(logoutRoutes(deps))
    .use(csrfRoutes(deps))
    .use(forwardAuthRoutes(deps))
  if (deps.config.authType === 'jwt') api.use(tokenRoutes(deps))
  return new Elysia({ name: 'auth-routes', seed: deps.seed }).use(api).use(jwksRoutes(deps))
}
