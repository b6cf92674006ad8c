# Shell functions shared by the benchmarks that measure a node from outside (bench/flood.sh,
# bench/creation-external.sh): a `./stablegate serve` in its own process on embedded PostgreSQL under
# a fresh data directory, merchants registered through the public API, CPU read from /proc.
# Source it after `cd` to the repository root and `set -euo pipefail`; it sets run_dir, data_dir,
# log, http_port, base and node_pid, and installs the trap that stops the node (and its PostgreSQL).
# $1: the benchmark's name (target/<name>/<run>/).

bench_name="$1"
command -v wrk >/dev/null || { echo "bench/run $bench_name: needs wrk on the PATH (Debian: apt-get install wrk)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench/run $bench_name: needs python3 (free ports)" >&2; exit 2; }

run_dir="$PWD/target/$bench_name/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run_dir"
data_dir="$run_dir/data"
log="$run_dir/node.log"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port="$(free_port)"
base="http://127.0.0.1:$http_port"
node_pid=""

stop_node() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    echo "# stopping the node (pid $node_pid)" >&2
    kill -TERM "$node_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$node_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$node_pid" 2>/dev/null || true
  fi
  # A node that died hard leaves its embedded PostgreSQL running: stop that one by its own pid file.
  local pm="$data_dir/postgres/postmaster.pid"
  if [ -f "$pm" ]; then
    local pg_pid
    pg_pid="$(head -1 "$pm")"
    if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
      kill -INT "$pg_pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 1; done
    fi
  fi
  if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$data_dir"; fi
}
trap stop_node EXIT
trap 'exit 130' INT TERM

start_node() { # → starts ./stablegate serve (chains off) and waits for its health; any STABLEGATE_… set reaches it
  echo "# $(date -u +%FT%TZ) $(nproc) cores; node log: $log" >&2
  STABLEGATE_DATA_DIR="$data_dir" \
  STABLEGATE_HTTP_HOST=127.0.0.1 \
  STABLEGATE_HTTP_PORT="$http_port" \
  STABLEGATE_MANAGEMENT_PORT="$(free_port)" \
  STABLEGATE_CLUSTER_PORT="$(free_port)" \
  STABLEGATE_TRON_ENABLED=false STABLEGATE_ETHEREUM_ENABLED=false STABLEGATE_BSC_ENABLED=false \
  STABLEGATE_TRUSTED_PROXIES="${STABLEGATE_TRUSTED_PROXIES:-127.0.0.1}" \
    ./stablegate serve >"$log" 2>&1 &
  node_pid=$!   # the launcher execs java: this is the node's JVM
  for _ in $(seq 1 240); do
    kill -0 "$node_pid" 2>/dev/null || { echo "the node exited; see $log" >&2; tail -20 "$log" >&2; exit 1; }
    curl -sf -o /dev/null "$base/api/v1/health" && break
    sleep 1
  done
  curl -sf -o /dev/null "$base/api/v1/health" || { echo "the node did not answer health; see $log" >&2; exit 1; }
}

pg_port() { sed -n 4p "$data_dir/postgres/postmaster.pid"; }

register_merchants() { # count → $run_dir/merchants.txt: "apiKey address" per merchant, each with an Ethereum wallet
  local count="$1" k address email password credentials answer api_key jar csrf wallet
  merchants="$run_dir/merchants.txt"
  : >"$merchants"
  echo "# registering $count merchants" >&2
  for k in $(seq 1 "$count"); do
    address="198.51.100.$k"
    email="merchant-$k@bench.example"
    password="bench-password-$k-$RANDOM$RANDOM"
    credentials="{\"email\": \"$email\", \"password\": \"$password\"}"
    answer="$(curl -sf -w ' %{time_total}' "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
      -H "X-Forwarded-For: $address" -d "$credentials")"
    [ "$k" != 1 ] || echo "#   one registration on the idle node: $(awk '{printf "%.0f", $NF * 1000}' <<<"$answer") ms" >&2
    api_key="$(sed -n 's/.*"apiKey":"\([0-9a-f]*\)".*/\1/p' <<<"$answer")"
    [ -n "$api_key" ] || { echo "registration failed: $answer" >&2; exit 1; }
    jar="$run_dir/cookies-$k"
    curl -sf -o /dev/null -c "$jar" "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
      -H "X-Forwarded-For: $address" -d "$credentials"
    csrf="$(awk '$6 == "csrf" {print $7}' "$jar")"
    wallet="0x$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
    curl -sf -o /dev/null -b "$jar" -X PUT "$base/api/v1/wallets/ETHEREUM" -H 'Content-Type: application/json' \
      -H "X-CSRF-Token: $csrf" -H "X-Forwarded-For: $address" -d "{\"address\": \"$wallet\"}"
    rm -f "$jar"
    echo "$api_key $address" >>"$merchants"
  done
}

analyze_database() { # gathers planner statistics (a fresh database has none until autovacuum's first analyze)
  if command -v psql >/dev/null; then
    psql -q -h 127.0.0.1 -p "$(pg_port)" -U postgres -d stablegate -c ANALYZE
  else
    echo "# no psql on the PATH: the database is not analyzed; the first phase may measure a fresh database's plans" >&2
  fi
}

# CPU seconds of the node's JVM and of its PostgreSQL (the postmaster, its live backends and those it reaped).
ticks="$(getconf CLK_TCK)"
jvm_cpu() { awk -v t="$ticks" '{printf "%.2f", ($14 + $15) / t}' "/proc/$node_pid/stat"; }
pg_cpu() {
  local pm children
  pm="$(head -1 "$data_dir/postgres/postmaster.pid")"
  children="$(ps -o pid= --ppid "$pm" | tr -d ' ' | tr '\n' ' ')"
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
    for c in $children; do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true; done
  } | awk -v t="$ticks" '{s += $1} END {printf "%.2f", s / t}'
}
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"; }

cpu_of_children() { # the output of `times` in a subshell → CPU seconds of its children (user + system)
  sed -n 2p | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } printf "%.2f", s }'
}

jfr_start() { # name seconds → with BENCH_JFR set, a CPU profile of the node: $run_dir/<name>.jfr (bench/jfr-breakdown.py FILE)
  if [ -n "${BENCH_JFR:-}" ]; then
    "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$node_pid" JFR.start name="$1" settings=profile duration="${2}s" \
      filename="$run_dir/$1.jfr" >/dev/null
  fi
}
