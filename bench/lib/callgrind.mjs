// Node flags for runs counted under `valgrind --tool=callgrind` (bench/instructions.mjs,
// bench/redis-limiter-instructions.mjs).
// Deterministic runs: no background compiler or GC threads and a fixed young generation big
// enough that the measured calls rarely scavenge (so the figures are the code's own work and
// allocation, not GC timing). Not --predictable-gc-schedule: it makes the warm path ~4× slower
// and would measure that instead.
export const CALLGRIND_NODE_FLAGS = [
  '--single-threaded',
  '--min-semi-space-size=64',
  '--max-semi-space-size=64',
  // A random hash seed costs a random number of instructions at startup (primality tests).
  '--hash-seed=1',
  '--random-seed=1',
  // Bytecode flushing drops functions unused for a while and parses them again later.
  '--no-flush-bytecode',
]
