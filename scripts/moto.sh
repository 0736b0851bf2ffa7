#!/bin/bash
# moto_server on 127.0.0.1 for the AWS tests (moto is preinstalled with Python 3.11).
#   scripts/moto.sh start DIR [VAR=value ...]   starts one on a free port; prints its endpoint
#                                               (pid in DIR/moto.pid, log in DIR/moto.log)
#   scripts/moto.sh stop DIR                    stops it
# Extra VAR=value settings go to moto's environment (e.g. INITIAL_NO_AUTH_ACTION_COUNT=4
# for its authentication mode).
set -u
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
case $cmd in
start)
  shift 2
  mkdir -p "$dir"
  # scripts/moto_server.py: moto's server with DynamoDB's and SQS's atomicity (see there)
  if python3 -c 'import moto.server' 2>/dev/null; then
    server=(python3 "$(dirname "$0")/moto_server.py")
  elif command -v moto_server >/dev/null 2>&1; then server=(moto_server)
  else echo "moto.sh: moto_server not found (moto is expected with Python 3.11)" >&2; exit 1; fi
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    env "$@" "${server[@]}" -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
    echo $! > "$dir/moto.pid"
    for _ in $(seq 1 100); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; then
        echo "http://127.0.0.1:$port"; exit 0
      fi
      kill -0 "$(cat "$dir/moto.pid")" 2>/dev/null || break
      sleep 0.1
    done
    kill "$(cat "$dir/moto.pid")" 2>/dev/null
  done
  echo "moto.sh: moto_server did not start; its log:" >&2; tail -20 "$dir/moto.log" >&2
  exit 1 ;;
stop)
  [ -f "$dir/moto.pid" ] || exit 0
  pid=$(cat "$dir/moto.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$dir/moto.pid"
  exit 0 ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
