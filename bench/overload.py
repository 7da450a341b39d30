#!/usr/bin/env python3
"""Overload of the sample proxy with SIPp: bench/run.sh --overload.

Starts the sample proxy (bench-kamailio-equivalent.cfg by default), warms it up, then for --seconds (30) a SIPp caller
places calls at --rate per second (default: three times --capacity, the highest rate the proxy passed in the ramp,
3000 calls/s by default) through the proxy to a SIPp callee that answers every call. The caller runs
sipp/uac-overload.xml: a call either completes (INVITE / 200 / ACK / BYE / 200) or is refused with 503, which it
acknowledges and counts (SIPp's -trace_counts); anything else is a failed call (a timeout, a lost response).

When the overload ends, a second SIPp caller places calls at --recovery-rate (100/s) for --recovery-seconds (15) with
the plain sipp/uac-basic.xml, whose calls fail on a 503: the seconds after the end of the overload until every later
second's calls all succeeded is how long service took to come back.

--callers N splits the overload caller into N SIPp processes at rate/N each (each its own socket, so that one SIPp
does not have to read every answer); --buff-size sets SIPp's socket buffers (-buff_size; the kernel caps them at
net.core.rmem_max / wmem_max).

What it reports (bench/results/overload/overload.json and overload.md): calls placed and the rate SIPp achieved (on two
cores SIPp itself may not reach the rate asked), completed, refused with 503 (with Retry-After, counted by the proxy in
sipmq_sip_overload_rejections_total), failed, and SIPp's failed calls by where they stopped (its -trace_counts);
the recovery; the proxy's CPU and its log's WARN/ERROR lines. From the proxy's own side (deltas of its /metrics over
the whole run, overload and recovery callers together, once nothing is in flight): requests admitted
(sipmq_sip_transactions_total) against how they ended (sipmq_sip_completions_total), and the check that it completed
every call it admitted: every admitted INVITE answered 2xx and every admitted BYE answered 2xx. A call SIPp counts as
failed while the proxy completed it was lost after the proxy (at SIPp's own sockets: the drops column).
Python 3.11 standard library only, besides SIPp.
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipp_bench import ROOT, SAMPLE_CONFIGS, SCENARIOS, Proxy, free_port, loadavg, udp_rcvbuf_errors, warm_up  # noqa: E402,E501
from soak import scrape  # noqa: E402


def metric(proxy, name):
    """The sum of a metric's series from the proxy's /metrics."""
    total = 0.0
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{proxy.admin_port}/metrics", timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + "{") or line.startswith(name + " "):
                    total += float(line.split()[-1])
    except (OSError, ValueError):
        return None
    return total


def uac(workdir, name, scenario, target, proxy_port, rate, calls, seconds, lenient, buff_size=4194304):
    """A SIPp caller as a child process, with per-second statistics and message counts in workdir; lenient: an
    unexpected message is a warning, not the end of the call."""
    d = os.path.join(workdir, name)
    os.makedirs(d)
    cmd = ["sipp", f"127.0.0.1:{target}", "-sf", os.path.join(SCENARIOS, scenario), "-i", "127.0.0.1",
           "-p", str(free_port()), "-m", str(calls), "-r", str(rate), "-l", str(max(rate * 4, 100)), "-nostdin",
           "-timeout", f"{seconds + 60}s", "-trace_stat", "-stf", os.path.join(d, "stat.csv"), "-fd", "1",
           "-trace_counts", "-buff_size", str(buff_size), "-rsa", f"127.0.0.1:{proxy_port}"]
    if lenient:
        cmd += ["-default_behaviors", "all,-abortunexp"]
    return d, subprocess.Popen(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def socket_drops():
    """Datagrams the kernel dropped, by local UDP port (/proc/net/udp's drops column): whose socket overflowed."""
    out = {}
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            cols = line.split()
            out[int(cols[1].split(":")[1], 16)] = out.get(int(cols[1].split(":")[1], 16), 0) + int(cols[-1])
    return out


def stat_rows(d):
    with open(os.path.join(d, "stat.csv")) as f:
        rows = list(csv.reader(f, delimiter=";"))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def refused_503(d):
    """503s received, from SIPp's -trace_counts file (its last row is cumulative)."""
    paths = glob.glob(os.path.join(d, "*_counts.csv"))
    if not paths:
        return None
    with open(paths[0]) as f:
        rows = list(csv.reader(f, delimiter=";"))
    last = dict(zip(rows[0], rows[-1]))
    return sum(int(v) for k, v in last.items() if "503" in k and k.endswith("Recv") and v.strip().isdigit())


def proxy_completion(before, after):
    """What the proxy admitted and how each admitted request ended, per method, and whether it completed every call:
    every admitted INVITE and BYE answered 2xx (deltas of sipmq_sip_transactions_total and
    sipmq_sip_completions_total)."""
    def delta(key):
        return int(after.get(key, 0.0) - before.get(key, 0.0))
    admitted = {m: delta(f'sipmq_sip_transactions_total{{method="{m}"}}') for m in ("INVITE", "BYE")}
    ended = {}
    for key in after:
        if key.startswith("sipmq_sip_completions_total{"):
            labels = dict(kv.split("=", 1) for kv in key[key.index("{") + 1:-1].split(","))
            m, o = labels["method"].strip('"'), labels["outcome"].strip('"')
            if delta(key):
                ended.setdefault(m, {})[o] = delta(key)
    ok = {m: ended.get(m, {}).get("2xx", 0) for m in admitted}
    return {"admitted": admitted, "completed": ended,
            "in_flight_at_end": after.get("sipmq_sip_in_flight"),
            # every admitted request got a final response upstream (a 408 when the callee never answered included)
            "every_admitted_request_ended": all(sum(ended.get(m, {}).values()) == admitted[m] for m in admitted),
            "every_admitted_call_completed": all(ok[m] == admitted[m] for m in admitted)
            and sum(v for m in admitted for v in ended.get(m, {}).values()) == sum(admitted.values())
            and admitted["BYE"] == ok["INVITE"]}


def failure_counts(d):
    """SIPp's failed calls by the message they stopped at (the *_Timeout / *_Unexp columns of -trace_counts)."""
    paths = glob.glob(os.path.join(d, "*_counts.csv"))
    if not paths:
        return {}
    with open(paths[0]) as f:
        rows = list(csv.reader(f, delimiter=";"))
    last = dict(zip(rows[0], rows[-1]))
    return {k: int(v) for k, v in last.items() if (k.endswith("Timeout") or k.endswith("Unexp")) and v.strip().isdigit()
            and int(v)}


def log_summary(path):
    levels = {"WARN": 0, "ERROR": 0}
    with open(path, errors="replace") as f:
        for line in f:
            for level in levels:
                if f" {level} " in line[:40]:
                    levels[level] += 1
    return levels


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--overload", action="store_true", help="(the bench/run.sh switch that picks this script)")
    ap.add_argument("--capacity", type=int, default=3000, help="calls/s the proxy passed in the ramp")
    ap.add_argument("--rate", type=int, help="calls/s asked of SIPp during the overload (default 3 x --capacity)")
    ap.add_argument("--seconds", type=int, default=30, help="length of the overload")
    ap.add_argument("--recovery-rate", type=int, default=100)
    ap.add_argument("--recovery-seconds", type=int, default=15)
    ap.add_argument("--warmup-seconds", type=int, default=15)
    ap.add_argument("--sample-config", choices=tuple(SAMPLE_CONFIGS), default="equivalent")
    ap.add_argument("--jvm", default="-Xms512m -Xmx512m", help="proxy JVM options")
    ap.add_argument("--config", action="append", default=[], metavar="LINE",
                    help="a line added to the proxy's configuration (repeatable)")
    ap.add_argument("--callers", type=int, default=1,
                    help="SIPp processes that share the overload rate (each at rate/N, on its own socket)")
    ap.add_argument("--buff-size", type=int, default=4194304,
                    help="SIPp's socket buffers in bytes (-buff_size; capped by net.core.rmem_max / wmem_max)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "overload"))
    args = ap.parse_args()
    rate = args.rate or 3 * args.capacity
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="sipmq-overload-")
    proxy = Proxy(tempfile.mkdtemp(prefix="proxy-", dir=workdir), 0, args.jvm.split(), args.config,
                  SAMPLE_CONFIGS[args.sample_config])
    load0 = loadavg()
    try:
        warm_up(workdir, proxy, args.warmup_seconds, uac_opts=["-default_behaviors", "all,-abortunexp"])
        target = free_port()
        uas = subprocess.Popen(["sipp", "-sf", os.path.join(SCENARIOS, "uas-answer.xml"), "-i", "127.0.0.1", "-p",
                                str(target), "-nostdin", "-buff_size", str(args.buff_size)], cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        rejected0, cpu0, drops0 = metric(proxy, "sipmq_sip_overload_rejections_total"), proxy.cpu_ms(), \
            udp_rcvbuf_errors()
        started = time.time()
        sockets_before = socket_drops()
        metrics_before = scrape(proxy)
        share = max(1, rate // args.callers)
        callers = [uac(workdir, f"overload-{i}" if args.callers > 1 else "overload", "uac-overload.xml", target,
                       proxy.port, share, share * args.seconds, args.seconds, True, args.buff_size)
                   for i in range(args.callers)]
        recovery = {}

        def run_recovery():
            time.sleep(args.seconds)
            recovery["started"] = time.time()
            d, p = uac(workdir, "recovery", "uac-basic.xml", target, proxy.port, args.recovery_rate,
                       args.recovery_rate * args.recovery_seconds, args.recovery_seconds, False)
            p.wait(timeout=args.recovery_seconds + 120)
            recovery["dir"] = d

        t = threading.Thread(target=run_recovery)
        t.start()
        for _, over in callers:
            try:
                over.wait(timeout=max(1, started + args.seconds + 180 - time.time()))
            except subprocess.TimeoutExpired:
                over.kill()
        overload_s = time.time() - started
        t.join(args.seconds + args.recovery_seconds + 200)
        deadline = time.time() + 60
        while (metric(proxy, "sipmq_sip_in_flight") or 0) > 0 and time.time() < deadline:
            time.sleep(1)  # bounded: the last calls' transactions end (Timer B/F at the latest)
        completion = proxy_completion(metrics_before, scrape(proxy))
        cpu1, rejected1 = proxy.cpu_ms(), metric(proxy, "sipmq_sip_overload_rejections_total")
        sockets_after = socket_drops()
        proxy_drops = sockets_after.get(proxy.port, 0) - sockets_before.get(proxy.port, 0)
        uas.terminate()
        uas.wait(timeout=15)
    finally:
        proxy.stop()

    placed = ended_ok = failed = refused = 0
    creating = 0
    failures = {}
    for d_over, _ in callers:
        rows = stat_rows(d_over)
        last = rows[-1]
        placed += int(last["OutgoingCall(C)"]) if "OutgoingCall(C)" in last else int(last["TotalCallCreated"])
        ended_ok += int(last["SuccessfulCall(C)"])
        failed += int(last["FailedCall(C)"])
        refused += refused_503(d_over) or 0
        for k, v in failure_counts(d_over).items():
            failures[k] = failures.get(k, 0) + v
        # the seconds during which the overload caller was still creating calls
        creating = max(creating, len([r for r in rows if int(r.get("OutgoingCall(P)", "0") or 0) > 0]))
    rec_rows = stat_rows(recovery["dir"])
    per_second_failed = [int(r["FailedCall(P)"]) for r in rec_rows]
    per_second_ok = [int(r["SuccessfulCall(P)"]) for r in rec_rows]
    # service is back from the first second after which no recovery call failed
    back = 0
    for i in range(len(per_second_failed)):
        if any(per_second_failed[i:]):
            back = i + 1
    result = {
        "command": " ".join(sys.argv),
        "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(started)),
        "machine": {"nproc": os.cpu_count(), "loadavg_before": load0, "loadavg_at_end": loadavg()},
        "sample_config": SAMPLE_CONFIGS[args.sample_config],
        "overload": {"rate_asked": rate, "seconds": args.seconds, "callers": args.callers,
                     "sipp_buff_size": args.buff_size, "placed": placed,
                     "rate_achieved": round(placed / max(creating, 1), 1),
                     "completed": ended_ok - refused, "refused_503": refused, "failed": failed,
                     "failed_where_sipp_stopped": failures,
                     "proxy_overload_rejections": None if rejected1 is None else rejected1 - (rejected0 or 0),
                     "proxy_cpu_ms": round(cpu1 - cpu0, 1), "elapsed_s": round(overload_s, 1),
                     "udp_rcvbuf_drops": udp_rcvbuf_errors() - drops0,
                     "drops_at_proxy_socket": proxy_drops,
                     # the rest: SIPp's sockets (the caller's is closed by now, so it is counted by difference)
                     "drops_at_sipp_sockets": udp_rcvbuf_errors() - drops0 - proxy_drops},
        "recovery": {"rate": args.recovery_rate, "seconds": args.recovery_seconds,
                     "successful_per_second": per_second_ok, "failed_per_second": per_second_failed,
                     "service_back_after_s": back, "started_after_overload_s": args.seconds},
        "proxy_log": log_summary(proxy.log_path),
        "proxy_completion": completion,
    }
    o, r = result["overload"], result["recovery"]
    md = (f"Overload of sipmq ({result['sample_config']}) for {o['seconds']} s, started {result['started_utc']} UTC; "
          f"load average {load0} before, {result['machine']['loadavg_at_end']} at the end\n\n"
          "| asked calls/s | achieved calls/s | placed | completed | refused 503 | failed | proxy rejections "
          "| UDP drops |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n"
          f"| {o['rate_asked']} | {o['rate_achieved']} | {o['placed']} | {o['completed']} | {o['refused_503']} "
          f"| {o['failed']} | {o['proxy_overload_rejections']} | {o['udp_rcvbuf_drops']} (proxy socket "
          f"{o['drops_at_proxy_socket']}, SIPp sockets {o['drops_at_sipp_sockets']}) |\n\n"
          f"Recovery at {r['rate']} calls/s from the end of the overload: failed calls per second "
          f"{r['failed_per_second']}; service back after {r['service_back_after_s']} s. "
          f"Proxy log: {result['proxy_log']}.\n\n"
          f"SIPp callers: {o['callers']} at {rate // o['callers']} calls/s each, socket buffers {o['sipp_buff_size']} B; "
          f"failed calls by where SIPp stopped: {o['failed_where_sipp_stopped']}.\n\n"
          f"The proxy's side (overload and recovery callers together): admitted {completion['admitted']}, ended "
          f"{completion['completed']}, in flight at the end {completion['in_flight_at_end']}; every admitted request "
          f"ended with a final response: {completion['every_admitted_request_ended']}; every admitted call completed "
          f"(INVITE and BYE 2xx): {completion['every_admitted_call_completed']}.\n")
    with open(os.path.join(args.out, "overload.json"), "w") as f:
        json.dump(result, f, indent=2)
    with open(os.path.join(args.out, "overload.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
