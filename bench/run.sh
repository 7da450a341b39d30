#!/usr/bin/env bash
# Load benchmark of the sample proxy with SIPp on 127.0.0.1, and of Kamailio in the same run; results in
# bench/results/.
# Usage: bench/run.sh [--peer sipmq|kamailio|both] [--sample-config full|equivalent] [--rates 100,200,...]
#                     [--seconds 10] [--jvm "-Xmx512m ..."]   (all options: python3 bench/sipp_bench.py --help)
# With --peer kamailio or both, Kamailio is installed when missing (apt-get install -y kamailio).
#        bench/run.sh --flood [--peer sipmq|kamailio|both] [--seconds 30] [--udp-rate 2000] [--tcp-rate 1000] ...
#        (malformed traffic with OPTIONS probes and SIPp calls: bench/flood.py)
#        bench/run.sh --overload [--capacity 3000] [--rate 9000] [--seconds 30] [--callers 1] [--buff-size 4194304] ...
#        (SIPp at three times the proxy's capacity, then the recovery; --callers splits the caller into N SIPp
#        processes; the proxy's own check that it completed every admitted call: bench/overload.py)
#        bench/run.sh --scale-out [--nodes 2] [--rates 200,400,...] [--seconds 5]
#        (SIPp through N sample proxies sharing acc in a Redis of the run's own: bench/scale_out.py)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sipp >/dev/null || { echo "bench: SIPp is needed: apt-get install -y sip-tester" >&2; exit 2; }
command -v gnuplot >/dev/null || echo "bench: gnuplot not found (apt-get install -y gnuplot-nox): no chart" >&2
mvn -B -q -DskipTests package  # always: a stale jar would measure old code
for arg in "$@"; do
  [ "$arg" = --flood ] && exec python3 bench/flood.py "$@"
  [ "$arg" = --overload ] && exec python3 bench/overload.py "$@"
  if [ "$arg" = --scale-out ]; then
    rest=()
    for a in "$@"; do [ "$a" = --scale-out ] || rest+=("$a"); done
    command -v redis-server >/dev/null || { echo "bench: redis-server is needed: apt-get install -y redis-server" >&2; exit 2; }
    exec python3 bench/scale_out.py ${rest[@]+"${rest[@]}"}
  fi
done
exec python3 bench/sipp_bench.py "$@"
