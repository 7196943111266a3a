# shellcheck shell=bash
# Starts and stops moto's S3 server on 127.0.0.1 for the tests. Source, don't
# execute. start_s3_server VENV BUCKET picks a free port, waits until the
# server answers, creates BUCKET and exports QUARRY_TEST_S3_ENDPOINT and
# QUARRY_TEST_S3_BUCKET; stop_s3_server ends that one process.

start_s3_server() {
  local venv="$1" bucket="$2" port
  port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  S3_LOG="${TMPDIR:-/tmp}/quarry-moto-$port.log"
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$S3_LOG" 2>&1 &
  S3_PID=$!
  local endpoint="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$endpoint/" 2>/dev/null; then
      break
    fi
    kill -0 "$S3_PID" 2>/dev/null || die "moto_server exited; see $S3_LOG"
    sleep 0.2
  done
  # moto accepts unsigned bucket creation; the tests sign their object calls.
  "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="PUT"), timeout=5)' "$endpoint/$bucket" ||
    die "could not create bucket $bucket on $endpoint; see $S3_LOG"
  export QUARRY_TEST_S3_ENDPOINT="$endpoint" QUARRY_TEST_S3_BUCKET="$bucket"
  echo "moto S3 server (pid $S3_PID) at $endpoint, bucket $bucket"
}

stop_s3_server() {
  if [ -n "${S3_PID:-}" ]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
    S3_PID=""
  fi
}
