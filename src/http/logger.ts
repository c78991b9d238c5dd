// Kept for existing imports: the Logger lives in lib/ now (infrastructure below the domain, not HTTP).
export { type Logger, consoleLogger, memoryLogger, silentLogger } from '../lib/logger.ts'
