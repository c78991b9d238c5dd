// Starting and stopping the servers under test on 127.0.0.1, and reading their memory from /proc.
import type { Subprocess } from 'bun'
import { readFileSync } from 'node:fs'

export interface Running {
  readonly name: string
  readonly pid: number
  readonly base: string
  /** Extra words the server printed after its port on the READY line (reference servers). */
  readonly extra: string[]
  stop(): Promise<void>
}

/** A port the kernel says is free right now on 127.0.0.1. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const { port } = probe
  probe.stop(true)
  return port
}

/** Resident memory of a process in MB: now (VmRSS) and its peak so far (VmHWM). */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 }
  } catch {
    return null
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the highest value seen (MB). */
export function rssSampler(pid: number, everyMs = 50) {
  let peak = memoryOf(pid)?.rssMb ?? 0
  const timer = setInterval(() => {
    const m = memoryOf(pid)
    if (m && m.rssMb > peak) peak = m.rssMb
  }, everyMs)
  return {
    stop(): number {
      clearInterval(timer)
      const m = memoryOf(pid)
      return Math.max(peak, m?.rssMb ?? 0)
    },
  }
}

/** CPU time (user + system, ms) a process has used so far, all threads included. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return null
  }
}

/**
 * Waits until the process is idle (under 5 % of a core for 200 ms): a load run that ends abandons its
 * in-flight requests, and the server still works them off (seconds of argon2id for login), which would
 * otherwise be billed to the next run.
 */
export async function waitIdle(pid: number, maxMs = 20_000): Promise<void> {
  const until = performance.now() + maxMs
  let last = cpuMsOf(pid)
  while (last !== null && performance.now() < until) {
    await Bun.sleep(200)
    const now = cpuMsOf(pid)
    if (now === null || now - last <= 10) return
    last = now
  }
}

async function stopProcess(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  proc.kill('SIGTERM')
  const killer = setTimeout(() => proc.kill('SIGKILL'), 5000)
  await proc.exited
  clearTimeout(killer)
}

const live = new Set<Subprocess>()

/** Kills whatever is still running (on Ctrl-C or a crash of the harness). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map(stopProcess))
}

function track(proc: Subprocess) {
  live.add(proc)
  void proc.exited.then(() => live.delete(proc))
}

/** Waits until GET /healthz answers 200; returns the milliseconds since `since`. Throws when the process dies. */
export async function waitHealthy(proc: Subprocess, base: string, since: number, timeoutMs = 15_000): Promise<number> {
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`exited (${proc.exitCode ?? proc.signalCode}) before answering /healthz`)
    try {
      const res = await fetch(`${base}/healthz`)
      if (res.status === 200) return performance.now() - since
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs) throw new Error(`no 200 from ${base}/healthz within ${timeoutMs} ms`)
    await Bun.sleep(1)
  }
}

/** Runs the authkit binary with `serve` on a free loopback port and waits for /healthz. */
export async function startAuthkit(opts: { name: string; binary: string; dataDir: string; env: Record<string, string> }): Promise<Running> {
  const port = freePort()
  const base = `http://127.0.0.1:${port}`
  const since = performance.now()
  const proc = Bun.spawn([opts.binary, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', opts.dataDir], {
    env: opts.env,
    stdout: 'ignore',
    stderr: 'pipe',
  })
  track(proc)
  try {
    await waitHealthy(proc, base, since)
  } catch (e) {
    proc.kill('SIGKILL')
    const stderr = await new Response(proc.stderr).text()
    throw new Error(`${opts.name}: ${(e as Error).message}\n${stderr.trim()}`)
  }
  return { name: opts.name, pid: proc.pid, base, extra: [], stop: () => stopProcess(proc) }
}

/** Runs a reference server script with Bun; it prints `READY <port> [extra...]` once listening. */
export async function startReference(opts: { name: string; script: string; args: string[]; env: Record<string, string> }): Promise<Running> {
  const proc = Bun.spawn([process.execPath, opts.script, String(freePort()), ...opts.args], {
    env: opts.env,
    stdout: 'pipe',
    stderr: 'inherit',
  })
  track(proc)
  const reader = proc.stdout.getReader()
  let text = ''
  while (!text.includes('\n')) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`${opts.name}: exited before printing READY`)
    text += new TextDecoder().decode(value)
  }
  reader.releaseLock()
  const [word, port, ...extra] = text.slice(0, text.indexOf('\n')).trim().split(' ')
  if (word !== 'READY' || !port) throw new Error(`${opts.name}: unexpected first line ${JSON.stringify(text)}`)
  return { name: opts.name, pid: proc.pid, base: `http://127.0.0.1:${port}`, extra, stop: () => stopProcess(proc) }
}
