#!/usr/bin/env bash
# Soak of the sample proxy: SIPp calls at 70 % of the max rate for 10 minutes (bounded), the heap after GC sampled
# every 30 s with its slope, no transaction left at the end, the acc queue conserved. Results in bench/results/soak/.
# Usage: bash bench/soak.sh [--minutes 10] [--max-rate 3000] [--share 0.7] [--sample-seconds 30]
#                          [--sipp-trace err|calldebug] [--uas sipp/uas-answer.xml] ...
#        (all options: python3 bench/soak.py --help); exit status 1 when a check failed. SIPp's error traces are
#        summarized by python3 bench/sipp_errors.py FILE_errors.log.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sipp >/dev/null || { echo "soak: SIPp is needed: apt-get install -y sip-tester" >&2; exit 2; }
mvn -B -q -DskipTests package  # always: a stale jar would measure old code
exec python3 bench/soak.py "$@"
