// Reference server: a bare Bun.serve hello-world, the ceiling of the machine and the load generator.
// Usage: bun bench/reference/hello.ts <port>; prints "READY" once listening on 127.0.0.1.
const port = Number(process.argv[2] ?? 0)
const server = Bun.serve({ hostname: '127.0.0.1', port, fetch: () => new Response('Hello World!') })
console.log(`READY ${server.port}`)
