#!/usr/bin/env node
// `pnpm demo`: prints what the client of a REST API saw of the five classic failures, plain Middy
// with @middy/http-error-handler beside gateproof() (see demo/demo.mjs).
import { formatDemo, runDemo } from './demo.mjs'

console.log(formatDemo(await runDemo()))
