// Which methods a path is registered for (for 405 and `Allow`); trailing slashes do not matter.

interface RouteLike {
  readonly method: string
  readonly path: string
}

const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p)
const compiled = new WeakMap<readonly RouteLike[], { re: RegExp; method: string }[]>()

function compile(routes: readonly RouteLike[]) {
  let list = compiled.get(routes)
  if (!list || list.length !== routes.length) {
    list = routes.map((r) => {
      const pattern = trim(r.path)
        .split('/')
        .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')
      return { re: new RegExp(`^${pattern}$`), method: r.method }
    })
    compiled.set(routes, list)
  }
  return list
}

export function routeMethods(routes: readonly RouteLike[], path: string): string[] {
  const target = trim(path)
  const methods = new Set<string>()
  for (const r of compile(routes)) if (r.re.test(target)) methods.add(r.method)
  if (methods.has('GET')) methods.add('HEAD')
  methods.delete('ALL')
  return [...methods].sort()
}
