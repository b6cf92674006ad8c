#!/usr/bin/env bash
# `bench/run creation-external`: invoice creation measured from outside the node, beside its database's
# own speed at the same writes. Starts `./stablegate serve` as its own process (embedded PostgreSQL under
# a fresh data directory in target/creation-external/, free ports, chains off, rate limits raised for
# the run), registers the merchants through the public API with one Ethereum wallet each, then:
#   warm-up   wrk posting invoices (random amounts), not reported; then ANALYZE (a fresh database has
#             no planner statistics until autovacuum's first analyze: the projections would scan event_tag);
#   API       wrk -t2 -c<connections> posting invoices for <seconds>, round robin over the merchants;
#   pgbench   against the same PostgreSQL server (database `pgbench_baseline`, the same migrations),
#             <connections> clients for <seconds>, one invoice's writes per transaction: the ledger's
#             journal row, the invoice's journal row and tag row, the `invoices` row, with the payload
#             sizes of the rows the node has just written (as PgbenchBaseline does for `bench/run creation`).
# Prints invoices/s, p50/p99, errors, pgbench tx/s, their ratio and the CPU of the JVM and of PostgreSQL
# per invoice (from /proc/<pid>/stat before and after). Needs wrk, curl, python3, psql and pgbench
# (Debian: apt-get install wrk postgresql-client).
#
# Arguments: [seconds=20] [connections=64] [merchants=8] [warmup=5]
# Any STABLEGATE_… variable set in the environment reaches the node; BENCH_KEEP=1 keeps the data
# directory; BENCH_JFR=1 records the node's CPU profile of the API phase (target/creation-external/<run>/api.jfr).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
connections="${2:-64}"
merchant_count="${3:-8}"
warmup="${4:-5}"
command -v pgbench >/dev/null && command -v psql >/dev/null \
  || { echo "bench/run creation-external: needs pgbench and psql (Debian: apt-get install postgresql-client)" >&2; exit 2; }

# One merchant takes all the load: its per-key and per-address limits would answer 429.
export STABLEGATE_RATE_LIMIT_PER_API_KEY="${STABLEGATE_RATE_LIMIT_PER_API_KEY:-1000000}"
export STABLEGATE_RATE_LIMIT_PER_API_KEY_BURST="${STABLEGATE_RATE_LIMIT_PER_API_KEY_BURST:-1000000}"
export STABLEGATE_RATE_LIMIT_PER_ADDRESS="${STABLEGATE_RATE_LIMIT_PER_ADDRESS:-1000000}"
export STABLEGATE_RATE_LIMIT_PER_ADDRESS_BURST="${STABLEGATE_RATE_LIMIT_PER_ADDRESS_BURST:-1000000}"

# shellcheck source=bench/lib.sh
. bench/lib.sh creation-external
start_node
register_merchants "$merchant_count"
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(pg_port)" -U postgres -d "${db:-stablegate}" "$@"; }

invoices() { # run-digit seconds → the RESULT line of create-invoice.lua
  wrk -t2 -c"$connections" -d"${2}s" --timeout 30s -s bench/wrk/create-invoice.lua "$base" -- "$merchants" "$1" \
    | grep '^RESULT'
}

echo "# warm-up: ${warmup}s; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
invoices 1 "$warmup" >/dev/null
analyze_database

echo "# API: $connections connections over $merchant_count merchants for ${seconds}s; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
jfr_start api "$seconds"
j0="$(jvm_cpu)"; p0="$(pg_cpu)"; t0="$(date +%s.%N)"
api="$(invoices 2 "$seconds")"
j1="$(jvm_cpu)"; p1="$(pg_cpu)"; t1="$(date +%s.%N)"
api_load="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "#   $api" >&2

# The baseline's database: the node's migrations, in version order, into a database of its own.
sql -c 'CREATE DATABASE pgbench_baseline'
for f in $(ls persistence/src/main/resources/db/migration/V*.sql | sort -V); do db=pgbench_baseline sql -f "$f" >/dev/null; done
sample() { # persistence-id pattern → writer|serializer id|manifest|average payload bytes of its first events
  sql -F'|' -c "SELECT writer, event_ser_id, replace(event_ser_manifest, '''', ''''''),
      (SELECT avg(octet_length(event_payload))::int FROM event_journal WHERE persistence_id LIKE '$1' AND sequence_number = 1)
    FROM event_journal WHERE persistence_id LIKE '$1' AND sequence_number = 1 LIMIT 1"
}
IFS='|' read -r writer ledger_ser ledger_manifest ledger_bytes <<<"$(sample 'WalletLedger|%')"
IFS='|' read -r _ invoice_ser invoice_manifest invoice_bytes <<<"$(sample 'Invoice|%')"
document_bytes="$(sql -c 'SELECT avg(octet_length(document::text))::int FROM invoices')"
script="$run_dir/invoice-writes.sql"
cat >"$script" <<SQL
-- One invoice's writes, as one transaction (bench/creation-external.sh, after PgbenchBaseline).
BEGIN;
INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest,
                           event_ser_id, event_ser_manifest, event_payload)
  VALUES ('WalletLedger|ETHEREUM:0xbench' || :client_id,
          (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
          '$writer', 0, '', $ledger_ser, '$ledger_manifest', convert_to(repeat('x', $ledger_bytes), 'UTF8'));
INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest,
                           event_ser_id, event_ser_manifest, event_payload)
  VALUES ('Invoice|' || gen_random_uuid(), 1, '$writer', 0, '', $invoice_ser, '$invoice_manifest',
          convert_to(repeat('x', $invoice_bytes), 'UTF8'))
  RETURNING ordering \gset
INSERT INTO event_tag (event_id, tag) VALUES (:ordering, 'invoice-' || (:client_id % 4));
INSERT INTO invoices (id, merchant_id, chain, address, status, order_id, created_at, expires_at,
                      updated_at, document)
  VALUES (gen_random_uuid(), gen_random_uuid(), 'ETHEREUM', '0x52908400098527886E0F7030069857D2E4169EE7',
          'PENDING', NULL, now(), now() + interval '1 hour', now(),
          jsonb_build_object('padding', repeat('x', $(( document_bytes > 16 ? document_bytes - 16 : 0 )))));
END;
SQL
echo "# pgbench: $connections clients for ${seconds}s, $script; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
q0="$(pg_cpu)"; s0="$(date +%s.%N)"
pgbench_out="$(pgbench -n -M prepared -f "$script" -c "$connections" -j 2 -T "$seconds" \
  -h 127.0.0.1 -p "$(pg_port)" -U postgres pgbench_baseline 2>&1)" || { echo "$pgbench_out" >&2; exit 1; }
q1="$(pg_cpu)"; s1="$(date +%s.%N)"
pgbench_load="$(cut -d' ' -f1-3 /proc/loadavg)"
tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pgbench_out")"
pg_lat="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$pgbench_out")"
pg_failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$pgbench_out")"

rate="$(field rate "$api")"; requests="$(field requests "$api")"
exec > >(tee "$run_dir/result.md")   # the summary, also kept beside the run's log
echo
echo "# $(date -u +%FT%TZ), $(nproc) cores (shared); $connections connections, $merchant_count merchants × 1 wallet, ${seconds}s after a ${warmup}s warm-up"
echo "| invoices/s | p50 | p99 | not 201 / timeouts / socket errors | pgbench same writes | ratio | JVM per invoice | PostgreSQL per invoice | cores JVM / PostgreSQL | PostgreSQL per pgbench tx | load average after API / pgbench |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
awk -v rate="$rate" -v n="$requests" -v p50="$(field p50_ms "$api")" -v p99="$(field p99_ms "$api")" \
    -v errs="$(field other "$api") / $(field timeouts "$api") / $(field socket_errors "$api")" \
    -v tps="$tps" -v lat="$pg_lat" -v failed="${pg_failed:-0}" \
    -v j0="$j0" -v j1="$j1" -v p0="$p0" -v p1="$p1" -v t0="$t0" -v t1="$t1" -v q0="$q0" -v q1="$q1" -v s0="$s0" -v s1="$s1" \
    -v la="$api_load" -v lp="$pgbench_load" 'BEGIN {
  printf "| %.0f | %s ms | %s ms | %s | %.0f tx/s (latency avg %s ms, %s failed) | %.2f | %.2f ms | %.2f ms | %.2f / %.2f | %.2f ms | %s / %s |\n",
    rate, p50, p99, errs, tps, lat, failed, rate / tps, (j1 - j0) * 1000 / n, (p1 - p0) * 1000 / n,
    (j1 - j0) / (t1 - t0), (p1 - p0) / (t1 - t0), (q1 - q0) * 1000 / (tps * (s1 - s0)), la, lp }'
awk -v rate="$rate" -v tps="$tps" -v p99="$(field p99_ms "$api")" -v other="$(field other "$api")" \
    -v to="$(field timeouts "$api")" -v se="$(field socket_errors "$api")" 'BEGIN {
  ok = rate >= 0.5 * tps && p99 < 100 && other == "none" && to == 0 && se == 0
  printf "goal (>= 0.5 x pgbench, p99 < 100 ms, no errors): %s\n", ok ? "met" : "NOT met" }'
