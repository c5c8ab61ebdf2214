# Sourced by ./tenantry and scripts/test.sh: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME, then the usual install locations, then `java` on the PATH.
tenantry_java_major() { # prints the major version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1 | cut -d. -f1
}
tenantry_find_jdk() {
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local best="" best_major=0 major
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major="$(tenantry_java_major "$c/bin/java")"
    [ -n "$major" ] || continue
    if [ "$c" = "${JAVA_HOME:-}" ] && [ "$major" -ge 21 ]; then best="$c"; break; fi
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$c"; best_major="$major"; fi
  done
  if [ -z "$best" ]; then
    echo "tenantry: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm, /usr/java, /opt, ~/.sdkman and the java on PATH)." >&2
    echo "tenantry: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
tenantry_find_jdk || exit 1
