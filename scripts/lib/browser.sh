# shellcheck shell=bash
# Browser-test dependencies, shared by scripts/test and scripts/screenshots.
# Source after lib/common.sh and lib/node.sh. Both steps are idempotent and fast on re-run:
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
  node_modules_for "$dir"
}
