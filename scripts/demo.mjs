#!/usr/bin/env node
// Placeholder until the preset lands: shows what the simulator says a plain handler's classic
// failure looks like to the client.
console.log('gateproof demo: the preset and local gateway are not built yet.')
