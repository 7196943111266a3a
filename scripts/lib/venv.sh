# shellcheck shell=bash
# Python virtualenvs for the test stages. Source, don't execute.
# ensure_venv VENV REQUIREMENTS creates VENV if needed and installs
# REQUIREMENTS into it, only when the file changed since the last install.

PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local venv="$1" reqs="$2"
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    if ! make_venv "$venv"; then
      # Debian ships venv/ensurepip as a separate package.
      if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        pyver="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python${pyver}-venv" ||
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        make_venv "$venv"
      else
        die "could not create a venv with $PYTHON (install python3-venv)"
      fi
    fi
  fi
  local want_hash stamp="$venv/.quarry-requirements.sha256"
  want_hash="$(sha256sum "$reqs" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want_hash" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
    echo "$want_hash" >"$stamp"
    echo "installed ${reqs#"$QUARRY_ROOT"/} into $venv"
  else
    echo "requirements unchanged; reusing $venv"
  fi
}
make_venv() {
  rm -rf "$1"
  mkdir -p "$(dirname "$1")"
  "$PYTHON" -m venv "$1"
}

