// The argon2id cost alone: how many verifies (and hashes) per second this machine does with Bun.password
// at the server's parameters and the same number of requests in flight. Run in its own process, like the
// server, so it uses the same thread pool across all cores.
// Usage: bun bench/hash-rate.ts <memoryCost KiB> <timeCost> <inFlight> <seconds>; prints one JSON line.
export {} // a module, for top-level await

const [memoryCost, timeCost, inFlight, seconds] = process.argv.slice(2).map(Number)
if (!memoryCost || !timeCost || !inFlight || !seconds) throw new Error('usage: hash-rate.ts <memoryCost> <timeCost> <inFlight> <seconds>')

const params = { algorithm: 'argon2id' as const, memoryCost, timeCost }
const password = 'correct horse battery staple'

/** Keeps `inFlight` operations running for `forSeconds`; returns completions per second (and CPU per operation). */
async function rate(op: () => Promise<unknown>, forSeconds: number): Promise<number> {
  let done = 0
  const cpu = process.cpuUsage()
  const start = performance.now()
  const until = start + forSeconds * 1000
  const lane = async () => {
    while (performance.now() < until) {
      await op()
      done++
    }
  }
  await Promise.all(Array.from({ length: inFlight! }, lane))
  const used = process.cpuUsage(cpu)
  cpuUsPerOp.push((used.user + used.system) / done)
  return done / ((performance.now() - start) / 1000)
}
const cpuUsPerOp: number[] = []

const hash = await Bun.password.hash(password, params)
await rate(() => Bun.password.verify(password, hash), 1) // warm-up: thread pool started, memory mapped
const verifyPerSec = await rate(() => Bun.password.verify(password, hash), seconds)
const hashPerSec = await rate(() => Bun.password.hash(password, params), seconds)
const [, verifyCpuUs, hashCpuUs] = cpuUsPerOp
console.log(JSON.stringify({ verifyPerSec, hashPerSec, verifyCpuUs, hashCpuUs, memoryCost, timeCost, inFlight, seconds }))
