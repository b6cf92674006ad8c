# Finding a JDK 21+ without JAVA_HOME: sourced by ./stablegate and bench/run.
# find_java prints the newest java 21+ among JAVA_HOME, PATH and the usual install directories (Linux
# packages, macOS, IntelliJ's ~/.jdks, SDKMAN).

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for dir in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.jdks/* \
      "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
  done
  local best="" best_major=0 major
  for candidate in "${candidates[@]}"; do
    major="$(java_major "$candidate" || echo 0)"
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
  done
  [ -n "$best" ] || { echo "stablegate: needs a JDK 21 or newer (set JAVA_HOME)" >&2; exit 1; }
  echo "$best"
}
