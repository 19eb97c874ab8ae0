// Types for demo/demo.mjs, imported by test/demo.test.ts.
export interface DemoResponse {
  status: number
  ms: number
  errorType: string
  retryAfter: string
  contentType: string
  body: string
}
export interface DemoOutcome {
  responses: DemoResponse[]
  metrics: { name: string; dimensions: Record<string, string> }[]
  logs: { level: string; message: string }[]
  slow: { ms: number; aborted: boolean }[]
}
export interface DemoReport {
  scenarios: { path: string; title: string; plain: DemoOutcome; gateproof: DemoOutcome }[]
  metrics: { name: string }[]
  logs: unknown[]
}
export declare const INTEGRATION_TIMEOUT_MS: number
export declare const MARGIN_MS: number
export declare function runDemo(): Promise<DemoReport>
export declare function formatDemo(report: DemoReport): string
