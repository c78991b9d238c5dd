// The soak: a minute (or --soak-seconds) of mixed traffic as real clients make it (register, log in, ask
// who am I, refresh, log out), counting every unexpected answer as an error and sampling the server's RSS,
// to show that nothing fails under sustained load and that memory levels off instead of growing.
import { AUTH, call, refreshTokenOf, stringField } from './api.ts'
import { memoryOf } from './servers.ts'

export interface SoakResult {
  seconds: number
  clients: number
  requests: number
  errors: number
  firstError: string | null
  /** [seconds since start, RSS MB], one a second. */
  rssSamples: [number, number][]
  middleThirdMaxMb: number
  lastThirdMaxMb: number
  growthPct: number
  /** RSS stopped growing: the last third's maximum is within `toleratePct` of the middle third's. */
  rssStable: boolean
  toleratePct: number
}

const PASSWORD = 'Soak-pass-4tR9!wq'

export async function soak(opts: { base: string; pid: number; seconds: number; clients: number; toleratePct?: number; say(line: string): void }): Promise<SoakResult> {
  const { base, pid, seconds, clients } = opts
  const toleratePct = opts.toleratePct ?? 10
  const until = performance.now() + seconds * 1000
  let requests = 0
  let errors = 0
  let firstError: string | null = null
  const expectStatus = async (status: number, ...args: Parameters<typeof call>) => {
    requests++
    try {
      const a = await call(...args)
      if (a.status !== status) throw new Error(`${args[1]} ${args[2]} answered ${a.status} ${JSON.stringify(a.body).slice(0, 120)}`)
      return a
    } catch (e) {
      errors++
      firstError ??= (e as Error).message
      return null
    }
  }

  const client = async (c: number) => {
    for (let i = 0; performance.now() < until; i++) {
      const username = `soak${c}x${i}`
      const reg = await expectStatus(201, base, 'POST', `${AUTH}/registration/`, { username, email: `${username}@example.com`, password1: PASSWORD, password2: PASSWORD })
      if (!reg) continue
      const login = await expectStatus(200, base, 'POST', `${AUTH}/login/`, { username, password: PASSWORD })
      if (!login) continue
      let access = stringField(login, 'access_token')
      let refresh = refreshTokenOf(login)
      // Mostly the cheap, frequent calls of a logged-in client, as in real traffic.
      for (let r = 0; r < 10 && performance.now() < until; r++) {
        await expectStatus(200, base, 'GET', `${AUTH}/user/`, undefined, { authorization: `Bearer ${access}` })
        const next = await expectStatus(200, base, 'POST', `${AUTH}/token/refresh/`, { refresh })
        if (!next) break
        access = stringField(next, 'access_token')
        refresh = refreshTokenOf(next)
      }
      await expectStatus(200, base, 'POST', `${AUTH}/logout/`, { refresh }, { authorization: `Bearer ${access}` })
    }
  }

  const started = performance.now()
  const rssSamples: [number, number][] = []
  const sampler = setInterval(() => {
    const m = memoryOf(pid)
    if (m) rssSamples.push([Math.round((performance.now() - started) / 1000), Math.round(m.rssMb * 10) / 10])
    if (rssSamples.length % 10 === 0) opts.say(`soak ${rssSamples.length}s: ${requests} requests, ${errors} errors, RSS ${m?.rssMb.toFixed(1)} MB`)
  }, 1000)
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)))
  clearInterval(sampler)

  const third = Math.floor(rssSamples.length / 3)
  const maxOf = (xs: [number, number][]) => Math.max(...xs.map(([, mb]) => mb))
  const middleThirdMaxMb = maxOf(rssSamples.slice(third, 2 * third))
  const lastThirdMaxMb = maxOf(rssSamples.slice(2 * third))
  const growthPct = (100 * (lastThirdMaxMb - middleThirdMaxMb)) / middleThirdMaxMb
  return {
    seconds,
    clients,
    requests,
    errors,
    firstError,
    rssSamples,
    middleThirdMaxMb,
    lastThirdMaxMb,
    growthPct,
    rssStable: growthPct <= toleratePct,
    toleratePct,
  }
}

export function soakLines(r: SoakResult): string {
  const samples = r.rssSamples.filter((_, i) => i % 5 === 0).map(([s, mb]) => `${s}s ${mb}`).join(', ')
  return [
    `soak: ${r.seconds}s, ${r.clients} clients, ${r.requests} requests (register, login, user, refresh, logout), ${r.errors} errors${r.firstError ? ` (first: ${r.firstError})` : ''}  ${r.errors === 0 ? 'OK' : 'FAIL'}`,
    `soak RSS MB every 5 s: ${samples}`,
    `soak RSS: last third max ${r.lastThirdMaxMb} MB vs middle third max ${r.middleThirdMaxMb} MB (${r.growthPct >= 0 ? '+' : ''}${r.growthPct.toFixed(1)} %, within ${r.toleratePct} %: ${r.rssStable ? 'stopped growing  OK' : 'still growing  FAIL'})`,
  ].join('\n')
}
