# Sourced by ./jtcp and ./build. Finds a JDK 25 or newer (JAVA_HOME if it is one, else an installed JDK
# where the system keeps them) and defines mvn_quiet. Nothing to install by hand on a machine with Maven.

_jdk_major() {   # prints the feature version of the JDK at $1, or 0
  local rel="$1/release" v=""
  if [ -f "$rel" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel" | head -n1)"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1)"
  fi
  echo "${v:-0}"
}

_find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(_jdk_major "$JAVA_HOME")" -ge 25 ]; then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" bestv=0 d v
  for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$d/bin/javac" ] || continue
    v="$(_jdk_major "$d")"
    # Prefer exactly 25 (the project's release), else the newest above it.
    if [ "$v" -eq 25 ]; then best="$d"; bestv=25; break; fi
    if [ "$v" -gt 25 ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}

if ! JAVA_HOME="$(_find_jdk25)"; then
  echo "jtcp: no JDK 25 found (JAVA_HOME is not 25+, nothing under /usr/lib/jvm); install one, e.g. Temurin 25, or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

mvn_quiet() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "jtcp: Maven (mvn) is needed to build; install it (e.g. apt-get install maven)" >&2
    return 1
  fi
  MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -q -Dstyle.color=never "$@"
}
