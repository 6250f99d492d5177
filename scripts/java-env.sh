# Sourced by bin/stt, scripts/test.sh and .ci/run: picks JDK 25, the JDK the images ship
# (Dockerfile, Dockerfile.rocm), so the tests run on what runs in production (docs/decisions/0021).
# Debian 12's default java is 17, so look under /usr/lib/jvm. An explicit JAVA_HOME of 25 wins.

STT_JDK_MAJOR=25

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

stt_pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" = "$STT_JDK_MAJOR" ]; then
    return 0
  fi
  local dir
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    if [ -x "$dir/bin/javac" ] && [ "$(java_major "$dir")" = "$STT_JDK_MAJOR" ]; then
      export JAVA_HOME=$dir
      return 0
    fi
  done
  cat >&2 <<EOF
No JDK $STT_JDK_MAJOR under /usr/lib/jvm${JAVA_HOME:+, and JAVA_HOME=$JAVA_HOME is not one}.
The images run Temurin $STT_JDK_MAJOR and the tests must run the same JDK. Install one:
  - scripts/install-system-deps.sh installs openjdk-$STT_JDK_MAJOR-jdk-headless where the apt sources offer it;
  - else Eclipse Temurin $STT_JDK_MAJOR (Adoptium's apt repository, package temurin-$STT_JDK_MAJOR-jdk), or any
    JDK $STT_JDK_MAJOR unpacked anywhere with JAVA_HOME pointing at it.
EOF
  return 1
}

stt_pick_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8 warns about sun.misc.Unsafe on every run on JDK 24+; the warning is Maven's, not ours.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
