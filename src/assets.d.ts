// Types for files imported as text or as embedded file paths (`with { type: 'text' | 'file' }`).
declare module '*.sql' {
  const text: string
  export default text
}
declare module '*.css' {
  const path: string
  export default path
}
declare module '*.js' {
  const path: string
  export default path
}
