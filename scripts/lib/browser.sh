# shellcheck shell=bash
# Browser-test dependencies, shared by scripts/test and scripts/screenshots.
# Source after lib/common.sh. Both steps are idempotent and fast on re-run:
#   chromium      — Debian's package, installed only when /usr/bin/chromium is missing;
#   playwright-core — `npm ci` from tests/browser/package-lock.json, re-run only
#                   when the lock file changes (stamp in node_modules).

browser_deps() {
  local dir="$QUARRY_ROOT/tests/browser"
  if [ ! -x /usr/bin/chromium ]; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install chromium by hand"
    [ "$(id -u)" = 0 ] || die "run as root to install chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
  fi
  /usr/bin/chromium --version 2>/dev/null || true
  if ! command -v npm >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "npm not found; install nodejs and npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  node -e "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)" ||
    die "playwright-core needs Node.js 20 or newer; found $(node --version)"
  local want stamp="$dir/node_modules/.quarry-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  else
    echo "tests/browser/node_modules up to date"
  fi
}
