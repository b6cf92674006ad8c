#!/usr/bin/env bash
# `bench/run flood`: invoice creation beside a registration flood, measured from outside the node.
# Starts `./stablegate serve` as its own process (embedded PostgreSQL under a fresh data directory in
# target/flood/, free ports, chains off), registers merchants through the public API and sets their
# Ethereum wallets, then drives it with wrk (bench/wrk/*.lua):
#   warm-up  invoice creation, not reported;
#   A        invoice creation alone (the baseline);
#   B<n>     the same invoice creation while a second wrk floods POST /api/v1/auth/register from n
#            connections (one phase per n of floodClients, a comma-separated list);
#   A2       invoice creation alone again (how much the machine drifted during the run).
# Prints p99(B)/p99(A) per flood and whether it is at most 2. The node and its PostgreSQL are stopped at the end,
# also on failure. Needs wrk (Debian: apt-get install wrk), curl, python3 (to find free ports) and
# psql (Debian: postgresql-client) to analyze the fresh database after the warm-up.
#
# Arguments: [seconds=30] [invoiceClients=16] [floodClients=256] [merchants=16] [warmup=60]
# Any STABLEGATE_… variable set in the environment reaches the node (e.g.
# STABLEGATE_PASSWORD_HASHING_THREADS=1 bench/run flood); BENCH_KEEP=1 keeps the data directory;
# BENCH_FLOOD_FROM=one sends the whole flood from one address instead of many (bench/wrk/register.lua);
# BENCH_JFR=1 records the node's CPU profile of each phase (target/flood/<run>/<phase>.jfr).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
invoice_clients="${2:-16}"
flood_clients="${3:-256}"
merchant_count="${4:-16}"
warmup="${5:-60}"

# shellcheck source=bench/lib.sh
. bench/lib.sh flood
start_node
register_merchants "$merchant_count"

invoices() { # run-digit seconds → the RESULT line of create-invoice.lua; wrk's CPU seconds in $run_dir/wrk-cpu
  wrk -t2 -c"$invoice_clients" -d"${2}s" --timeout 30s -s bench/wrk/create-invoice.lua "$base" -- "$merchants" "$1" \
    | grep '^RESULT'
  times >"$run_dir/wrk-times"   # not in a pipeline: that would be a subshell without children
  cpu_of_children <"$run_dir/wrk-times" >"$run_dir/wrk-cpu"
}

declare -A result cores
phase() { # name run-digit [flood clients] → runs invoice creation (beside a flood) and keeps its figures
  local name="$1" run="$2" flood="${3:-}" j0 p0 t0 j1 p1 t1 flood_pid=""
  echo "# phase $name: $invoice_clients invoice clients for ${seconds}s${flood:+, beside $flood registration clients}; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  if [ -n "$flood" ]; then
    ( wrk -t2 -c"$flood" -d"$((seconds + 6))s" --timeout 30s -s bench/wrk/register.lua "$base" -- "$(date +%s)" "${BENCH_FLOOD_FROM:-spread}" \
        | grep '^RESULT' >"$run_dir/flood-$name.txt"
      times >"$run_dir/flood-times"
      cpu_of_children <"$run_dir/flood-times" >"$run_dir/flood-cpu" ) &
    flood_pid=$!
    sleep 3   # the flood is at full strength before invoice creation is measured
  fi
  jfr_start "$name" "$seconds"
  j0="$(jvm_cpu)"; p0="$(pg_cpu)"; t0="$(date +%s.%N)"
  result[$name]="$(invoices "$run" "$seconds")"
  j1="$(jvm_cpu)"; p1="$(pg_cpu)"; t1="$(date +%s.%N)"
  cores[$name]="$(awk -v a="$j0" -v b="$j1" -v c="$p0" -v d="$p1" -v s="$t0" -v e="$t1" -v w="$(cat "$run_dir/wrk-cpu")" \
    'BEGIN {printf "JVM %.2f, PostgreSQL %.2f, wrk %.2f", (b - a) / (e - s), (d - c) / (e - s), w / (e - s)}')"
  if [ -n "$flood_pid" ]; then
    wait "$flood_pid"
    cores[$name]+=", flood wrk $(awk -v w="$(cat "$run_dir/flood-cpu")" -v s="$((seconds + 6))" 'BEGIN {printf "%.2f", w / s}')"
    echo "#   $(cat "$run_dir/flood-$name.txt")" >&2
    sleep 10   # the hashes still queued in the node finish before the next phase
  fi
  echo "#   ${result[$name]}" >&2
  echo "#   cores: ${cores[$name]}; load average after $(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

echo "# warm-up: ${warmup}s" >&2
invoices 1 "$warmup" >/dev/null
# A fresh database has no planner statistics until autovacuum's first analyze of its tables, minutes
# in; until then the projections' reads by tag scan event_tag whole, and the baseline measures that.
# A database in service has them: gather them now (the embedded PostgreSQL trusts local connections).
analyze_database
IFS=, read -r -a floods <<<"$flood_clients"
[ "${#floods[@]}" -le 6 ] || { echo "at most 6 flood concurrencies" >&2; exit 2; }
phase A 2
run=3
for c in "${floods[@]}"; do phase "B$c" "$run" "$c"; run=$((run + 1)); done
phase A2 "$run"

row() { # name what
  local r="${result[$1]}"
  printf '| %s | %s | %s/s | %s ms | %s ms | %s ms | %s | %s |\n' "$1" "$2" "$(field rate "$r")" \
    "$(field p50_ms "$r")" "$(field p99_ms "$r")" "$(field p999_ms "$r")" \
    "$(field other "$r"), timeouts $(field timeouts "$r"), socket $(field socket_errors "$r")" "${cores[$1]}"
}
echo
echo "# $(date -u +%FT%TZ), $(nproc) cores; $invoice_clients invoice clients over $merchant_count merchants, ${seconds}s per phase"
echo "| phase | load | invoices | p50 | p99 | p99.9 | not 201 | cores (CPU-s per s) |"
echo "|---|---|---|---|---|---|---|---|"
row A "invoice creation alone"
for c in "${floods[@]}"; do row "B$c" "beside a registration flood of $c clients"; done
row A2 "alone again"
echo
a="$(field p99_ms "${result[A]}")"; a2="$(field p99_ms "${result[A2]}")"
for c in "${floods[@]}"; do
  flood="$(cat "$run_dir/flood-B$c.txt")"
  echo "B$c: registration flood of $c clients, $(field rate "$flood")/s answered: 201 $(field s201 "$flood"), 409 $(field s409 "$flood"), 429 $(field s429 "$flood"), 503 $(field s503 "$flood"), other $(field other "$flood"); 429/503 without Retry-After: $(field no_retry_after "$flood"); p50 $(field p50_ms "$flood") ms, p99 $(field p99_ms "$flood") ms; timeouts $(field timeouts "$flood"), socket errors $(field socket_errors "$flood")$(sed -n 's/.*without_retry_after_example: /; first without Retry-After: /p' <<<"$flood")"
  b="$(field p99_ms "${result[B$c]}")"
  awk -v c="$c" -v a="$a" -v b="$b" -v a2="$a2" 'BEGIN {
    r = b / a; printf "B%s: p99(B)/p99(A) = %.2f (%s 2x); p99(B)/p99(A2) = %.2f\n", c, r, (r <= 2 ? "<=" : "ABOVE"), b / a2 }'
done
