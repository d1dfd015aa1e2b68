# Java for the Spark tests (tests/test_batch.py): Debian's headless JRE 17 when no `java` is on PATH.
# Sourced by .ci/run (as root, set -euo pipefail): every command here is guarded so that a failed
# install only makes the Spark tests skip, never aborts CI; running it twice changes nothing.
if ! command -v java >/dev/null 2>&1; then
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            openjdk-17-jre-headless >/dev/null 2>&1; then
        echo "java.sh: installed openjdk-17-jre-headless" >&2
    else
        echo "java.sh: could not install openjdk-17-jre-headless; the Spark tests will skip" >&2
    fi
fi
if command -v java >/dev/null 2>&1; then
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    export JAVA_HOME
fi
true
