// Password hashing is bounded to one argon2id operation per core plus one, so a burst of logins cannot
// fill Bun's shared thread pool ahead of the WebCrypto work every JWT signature and check needs.
import { afterEach, describe, expect, it, spyOn } from 'bun:test'
import { verifyPassword } from '../../src/users/passwords.ts'

const spies: { mockRestore(): void }[] = []
afterEach(() => {
  for (const s of spies.splice(0)) s.mockRestore()
})

describe('password hashing slots', () => {
  it('a burst of logins runs at most one argon2id operation per core, plus one, at a time, and every one completes', async () => {
    let running = 0
    let most = 0
    const release: (() => void)[] = []
    const spy = spyOn(Bun.password, 'verify').mockImplementation(() => {
      running++
      most = Math.max(most, running)
      return new Promise<boolean>((resolve) =>
        release.push(() => {
          running--
          resolve(true)
        }),
      )
    })
    spies.push(spy)
    const burst = Array.from({ length: 20 }, () => verifyPassword('pw', '$argon2id$whatever'))
    const slots = Math.max(1, navigator.hardwareConcurrency || 1) + 1
    for (let done = 0; done < 20; done++) {
      await Bun.sleep(0)
      expect(running).toBeLessThanOrEqual(slots)
      release.shift()?.()
    }
    expect(await Promise.all(burst)).toEqual(Array(20).fill(true))
    expect(most).toBe(Math.min(slots, 20))
    expect(spy).toHaveBeenCalledTimes(20)
  })

  it('a failing verify gives its slot back', async () => {
    const spy = spyOn(Bun.password, 'verify').mockImplementation(() => Promise.reject(new Error('malformed hash')))
    spies.push(spy)
    const results = await Promise.all(Array.from({ length: 10 }, () => verifyPassword('pw', 'not-a-hash')))
    expect(results).toEqual(Array(10).fill(false))
  })
})
