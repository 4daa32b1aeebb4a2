# Sourced by kotlin/test.sh and swift/test.sh: starts the local provider sandbox (tests/sandbox)
# and a test wallet signer (tests/e2e/wallet-signer.mjs) on 127.0.0.1 for the end-to-end tests,
# and stops both when the script exits.
#
#   e2e_start DIR   # on success: CLIENTELE_SANDBOX (the sandbox's ready JSON, one line) and
#                   # CLIENTELE_WALLET_URL are exported; returns 1 (with a reason) otherwise
#   e2e_stop        # SIGTERM to both processes (call it from the script's EXIT trap)
e2e_pids=()

e2e_stop() {
  local pid
  for pid in "${e2e_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  e2e_pids=()
}

e2e_start() { # dir
  local dir=$1 repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  command -v node >/dev/null || { echo "node is not installed"; return 1; }
  if [ ! -d "$repo/tests/sandbox/node_modules" ]; then
    (cd "$repo/tests/sandbox" && npm ci --no-audit --no-fund --loglevel=error) >"$dir/sandbox-npm.log" 2>&1 \
      || { tail -n 20 "$dir/sandbox-npm.log"; echo "npm ci in tests/sandbox failed"; return 1; }
  fi
  rm -f "$dir/sandbox.json" "$dir/wallet.json"
  node "$repo/tests/sandbox/server.mjs" --ready-file "$dir/sandbox.json" >"$dir/sandbox.log" 2>&1 &
  e2e_pids+=($!)
  node "$repo/tests/e2e/wallet-signer.mjs" --ready-file "$dir/wallet.json" >"$dir/wallet.log" 2>&1 &
  e2e_pids+=($!)
  local i
  for ((i = 0; i < 100; i++)); do
    [ -s "$dir/sandbox.json" ] && [ -s "$dir/wallet.json" ] && break
    sleep 0.1
  done
  if [ ! -s "$dir/sandbox.json" ] || [ ! -s "$dir/wallet.json" ]; then
    tail -n 20 "$dir/sandbox.log" "$dir/wallet.log"
    echo "the sandbox or the wallet signer did not start"
    return 1
  fi
  CLIENTELE_SANDBOX=$(tr -d '\n' <"$dir/sandbox.json")
  CLIENTELE_WALLET_URL=$(sed -n 's/.*"url": *"\([^"]*\)".*/\1/p' "$dir/wallet.json")
  export CLIENTELE_SANDBOX CLIENTELE_WALLET_URL
  echo "sandbox: $(sed -n 's/.*"url": *"\([^"]*\)".*/\1/p' "$dir/sandbox.json" | head -n 1) (log: $dir/sandbox.log)"
}
