# Sourced by ./tenantry and scripts/test.sh: exports JAVA_HOME pointing at a Java >= 21 (with javac when
# TENANTRY_REQUIRE_JAVAC is set: to build) and TENANTRY_JAVA_MAJOR.
# Order: $JAVA_HOME, then the usual install locations, then `java` on the PATH.
tenantry_java_major() { # prints the major version of the java binary $1: from its JDK's release file, else by running it
  local release="${1%/bin/java}/release" line
  if [ -r "$release" ]; then
    while IFS= read -r line; do
      case "$line" in JAVA_VERSION=*) line="${line#JAVA_VERSION=\"}"; echo "${line%%[.\"]*}"; return ;; esac
    done < "$release"
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1 | cut -d. -f1
  fi
}
tenantry_find_jdk() {
  local candidates=() c
  # a JAVA_HOME of 21 or newer is taken as it is, without looking further
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    c="$(tenantry_java_major "$JAVA_HOME/bin/java")"
    if [ -n "$c" ] && [ "$c" -ge 21 ] && { [ -z "${TENANTRY_REQUIRE_JAVAC:-}" ] || [ -x "$JAVA_HOME/bin/javac" ]; }; then
      TENANTRY_JAVA_MAJOR="$c"
      export JAVA_HOME TENANTRY_JAVA_MAJOR
      return 0
    fi
  fi
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local best="" best_major=0 major
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] || continue
    [ -z "${TENANTRY_REQUIRE_JAVAC:-}" ] || [ -x "$c/bin/javac" ] || continue
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
  TENANTRY_JAVA_MAJOR="$(tenantry_java_major "$best/bin/java")"
  export TENANTRY_JAVA_MAJOR
}
tenantry_find_jdk || exit 1
