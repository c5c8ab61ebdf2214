#!/usr/bin/env bash
# Prints the path of a `java` of JDK 21, for the tests that must also run there (virtual threads pin their carrier on
# 21-23 where 24+ no longer do). Order: $TENANTRY_JDK21 (a JDK's directory), a JDK 21 under /usr/lib/jvm, the copy this
# script made before (~/.cache/tenantry/jdk21), else it makes one: Debian 12 has no OpenJDK 21, so it fetches Debian 13's
# openjdk-21-jre-headless with the C libraries it was built against (libc6 2.38+, libstdc++6, libgcc-s1, zlib1g) from
# Debian's archive with apt (its own lists and cache, nothing installed into the system), unpacks them there, and
# writes a `java` that runs Debian 13's dynamic loader on them. Fails with the reason when none can be had.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/java-home.sh" > /dev/null # for tenantry_java_major
is21() { [ -x "$1" ] && [ "$(tenantry_java_major "$1" 2>/dev/null)" = "21" ]; }
if [ -n "${TENANTRY_JDK21:-}" ]; then
  is21 "$TENANTRY_JDK21/bin/java" || { echo "jdk21: TENANTRY_JDK21=$TENANTRY_JDK21 is not a JDK 21" >&2; exit 1; }
  echo "$TENANTRY_JDK21/bin/java"; exit 0
fi
for d in /usr/lib/jvm/*; do
  if is21 "$d/bin/java"; then echo "$d/bin/java"; exit 0; fi
done
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tenantry/jdk21"
launcher="$cache/bin/java"
works() { [ -x "$launcher" ] && grep -q launchMechanism "$launcher" && "$launcher" -version 2>&1 | grep -q 'version "21\.'; }
if works; then echo "$launcher"; exit 0; fi
command -v apt-get > /dev/null || { echo "jdk21: no JDK 21 here and no apt-get to fetch Debian's; set TENANTRY_JDK21" >&2; exit 1; }
mkdir -p "${cache%/*}"
exec 9> "${cache%/*}.jdk21.lock"
flock 9
if works; then echo "$launcher"; exit 0; fi
echo "jdk21: fetching Debian 13's OpenJDK 21 into $cache (once)" >&2
work="$(mktemp -d "${cache%/*}/.jdk21-XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/root"
echo "deb http://deb.debian.org/debian trixie main" > "$work/sources.list"
apt=(-q -o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$work/lists"
     -o Dir::Cache="$work/cache" -o APT::Sandbox::User=root)
apt-get "${apt[@]}" update > "$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; echo "jdk21: cannot read Debian 13's package lists" >&2; exit 1; }
(cd "$work" && apt-get "${apt[@]}" download openjdk-21-jre-headless libc6 libstdc++6 libgcc-s1 zlib1g >> "$work/apt.log" 2>&1) \
  || { cat "$work/apt.log" >&2; echo "jdk21: cannot download Debian 13's OpenJDK 21" >&2; exit 1; }
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
# where the packages put the JDK and the dynamic loader, found rather than named (they differ by architecture)
java_bin="$(find "$work/root" -path '*/jvm/*/bin/java' -type f | head -1)"
loader="$(find "$work/root" -name 'ld-linux*.so.*' \( -type f -o -type l \) | head -1)"
[ -n "$java_bin" ] && [ -n "$loader" ] || { echo "jdk21: the packages hold no java or no dynamic loader" >&2; exit 1; }
jdk="${java_bin%/bin/java}"
# the package points its configuration at /etc/java-21-openjdk: point it at the unpacked copy
find "$jdk" -type l -lname '/etc/*' | while read -r link; do
  target="$(readlink "$link")"
  if [ -e "$work/root$target" ]; then ln -sfn "$cache/root$target" "$link"; fi
done
# the same places once $work is moved to $cache
final() { echo "$cache/${1#"$work"/}"; }
mkdir -p "$work/bin"
cat > "$work/bin/java" <<LAUNCHER
#!/bin/sh
# OpenJDK 21 from Debian 13, run by Debian 13's dynamic loader on its own C libraries (made by scripts/jdk21.sh);
# processes are started by vfork, not by the JDK's jspawnhelper (an executable of its own, which this system's C
# library cannot run)
exec "$(final "$loader")" --library-path "$(final "$(dirname "$loader")"):$(final "$jdk")/lib" \\
  "$(final "$java_bin")" -Djdk.lang.Process.launchMechanism=VFORK "\$@"
LAUNCHER
chmod +x "$work/bin/java"
cp "$jdk/release" "$work/release" # what tools read to know the version of the java beside it
rm -rf "$cache" "$work/lists" "$work/cache" "$work"/*.deb
mv "$work" "$cache"
trap - EXIT
works || { echo "jdk21: the unpacked OpenJDK 21 does not run:" >&2; "$launcher" -version >&2 || true; exit 1; }
echo "$launcher"
