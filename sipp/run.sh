#!/usr/bin/env bash
# Places calls through a running sipmq proxy with SIPp, a callee and a caller on 127.0.0.1.
#
#   sipp/run.sh [basic|busy|cancel|ack-retrans|reinvite] [calls] [rate]
#
#   basic        INVITE/100/180/200/ACK/pause/BYE/200 to an answering callee (default)
#   busy         the callee answers 486; with modparam("sample", "fallback", "sip:127.0.0.1:5092")
#                the proxy retries the call on a second, answering callee on port 5092
#   cancel       the caller CANCELs after 180
#   ack-retrans  a caller that sends each ACK three times to a callee that tolerates them
#   reinvite     re-INVITEs inside the answered call: one rejected with 491, one accepted
#
# Environment: PROXY (default 127.0.0.1:5060), CALLEE_PORT (5090), FALLBACK_PORT (5092), CALLER_PORT (5091).
set -euo pipefail
cd "$(dirname "$0")"
command -v sipp >/dev/null || { echo "SIPp is needed: apt-get install -y sip-tester" >&2; exit 2; }

flow=${1:-basic}
calls=${2:-10}
rate=${3:-5}
proxy=${PROXY:-127.0.0.1:5060}
callee_port=${CALLEE_PORT:-5090}
fallback_port=${FALLBACK_PORT:-5092}
caller_port=${CALLER_PORT:-5091}
logs=$(mktemp -d)

case "$flow" in
  basic)       uac=uac-basic.xml;  uas=uas-answer.xml ;;
  busy)        uac=uac-basic.xml;  uas=uas-486.xml ;;
  cancel)      uac=uac-cancel.xml; uas=uas-cancel.xml ;;
  ack-retrans) uac=uac-ack-retrans.xml; uas=uas-ack-retrans.xml ;;
  reinvite)    uac=uac-reinvite.xml; uas=uas-reinvite.xml ;;
  *) echo "unknown flow '$flow' (expected: basic, busy, cancel, ack-retrans, reinvite)" >&2; exit 2 ;;
esac

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

sipp -sf "$uas" -i 127.0.0.1 -p "$callee_port" -m "$calls" -nostdin -timeout 120s \
  >"$logs/callee.log" 2>&1 &
pids+=($!)
if [ "$flow" = busy ]; then
  sipp -sf uas-answer.xml -i 127.0.0.1 -p "$fallback_port" -m "$calls" -nostdin -timeout 120s \
    >"$logs/fallback.log" 2>&1 &
  pids+=($!)
fi
sleep 0.5

echo "placing $calls '$flow' calls at $rate/s through $proxy (logs in $logs)"
set +e
sipp "127.0.0.1:$callee_port" -rsa "$proxy" -sf "$uac" -i 127.0.0.1 -p "$caller_port" -m "$calls" -r "$rate" \
  -nostdin -timeout 120s -timeout_error -trace_stat -stf "$logs/caller.csv" >"$logs/caller.log" 2>&1
rc=$?
set -e
tail -n 1 "$logs/caller.csv" | awk -F';' '{print "successful calls: " $16 ", failed calls: " $18}' 2>/dev/null || true
[ $rc -eq 0 ] && echo "all calls succeeded" || echo "SIPp exit code $rc: see $logs/caller.log"
exit $rc
