#!/usr/bin/env node
// Committed in source so a fresh `pnpm install` links the bin before anything is built.
import { runCli } from '../dist/main.js'

runCli()
