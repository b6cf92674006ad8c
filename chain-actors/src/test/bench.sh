#!/usr/bin/env bash
# Runs the chain benchmark (docs/performance-chain.md). Usage, from the repository root:
#   chain-actors/src/test/bench.sh [invoices=100000] [payments=200] [journal=postgres|memory|memory-unserialized]
#       [path=batched|per-transfer] [inflight=2000] [wallets=1000] [range=2000] [block=100] [poll=100]
# Extra JVM options (a JFR recording, say) in BENCH_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -o -q -f ../pom.xml -pl chain-actors -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
exec java -Xmx4g --enable-native-access=ALL-UNNAMED \
  $(java -version 2>&1 | grep -qE 'version "(2[3-9]|[3-9][0-9])' && echo --sun-misc-unsafe-memory-access=allow) \
  ${BENCH_JAVA_OPTS:-} \
  -cp target/test-classes:target/classes:"$(cat target/classpath.txt)" \
  io.stablegate.chain.bench.ChainBenchmark "$@"
