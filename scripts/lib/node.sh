# shellcheck shell=bash
# Node.js test packages (tests/ts-sdk, tests/browser). Source after
# lib/common.sh. `node_modules_for DIR` makes sure Node >= 20 and npm exist
# (Debian packages when missing) and runs `npm ci` in DIR only when its
# package-lock.json changed since the last install (stamp in node_modules).

node_modules_for() {
  local dir="$1"
  if ! command -v npm >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || die "npm not found; install nodejs (>= 20) and npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  node -e "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)" ||
    die "the Node test suites need Node.js 20 or newer; found $(node --version)"
  local want stamp="$dir/node_modules/.quarry-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  else
    echo "${dir#"$QUARRY_ROOT"/}/node_modules up to date"
  fi
}
