#!/usr/bin/env python3
"""Soak of the sample proxy with SIPp: bash bench/soak.sh [--minutes 10] [--max-rate 3000] [--share 0.7] ...

Starts the sample proxy (bench-kamailio-equivalent.cfg by default: one `mq_add` to `acc` per new INVITE, two timer
workers draining it every 100 ms), warms it up, then places calls through it at --share (70 %) of --max-rate for
--minutes (10), bounded: SIPp stops after rate x seconds calls, and every wait has a deadline. Every --sample-seconds
(30) the proxy's heap after a full GC is sampled; the slope of a least-squares line through the samples (MB per
minute) says whether the heap grows under a steady load. At the end it waits for the calls, the drain and the
transactions' lingering timers, then checks:

- no transaction left (sipmq_sip_stack_transactions 0);
- the queue conserved: items added = items fetched + items left + items evicted (mqueue_*_total, /metrics), and
  items added = calls SIPp placed (one add per new INVITE);
- every call completed (SIPp's failed calls 0).

Results: bench/results/soak/soak.json and soak.md; the exit status is 1 when a check failed.
Python 3.11 standard library only, besides SIPp.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipp_bench import ROOT, SAMPLE_CONFIGS, SCENARIOS, SETTLE_TIMEOUT_S, Proxy, free_port, loadavg, warm_up  # noqa: E402,E501


def scrape(proxy):
    """{series: value} of the proxy's /metrics (the name with its labels as the key)."""
    out = {}
    with urllib.request.urlopen(f"http://127.0.0.1:{proxy.admin_port}/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line and not line.startswith("#"):
                key, value = line.rsplit(" ", 1)
                out[key] = float(value)
    return out


def labelled(metrics, name):
    """{labels: value} of every series of a meter, e.g. {'method="INVITE",outcome="2xx"': 3.0}."""
    return {key[len(name) + 1:-1]: value for key, value in metrics.items() if key.startswith(name + "{")}


def proxy_counts(before, after):
    """What the proxy admitted, completed and sent again during the run (deltas of its /metrics)."""
    out = {}
    for name in ("sipmq_sip_transactions_total", "sipmq_sip_completions_total", "sipmq_sip_retransmissions_total",
                 "sipmq_sip_overload_rejections_total", "sipmq_sip_udp_reader_takeovers_total"):
        a, b = labelled(after, name), labelled(before, name)
        if not a and name in after:
            a, b = {"": after[name]}, {"": before.get(name, 0.0)}
        out[name] = {k: int(v - b.get(k, 0.0)) for k, v in sorted(a.items()) if v - b.get(k, 0.0)}
    return out


def series(metrics, name, queue="acc"):
    for key, value in metrics.items():
        if key.startswith(name + "{") and f'queue="{queue}"' in key:
            return value
    return None


def sipp_errors(step):
    """The summary of each SIPp's -trace_err file (bench/sipp_errors.py): which message came out of turn, when."""
    from sipp_errors import summarize
    out = {}
    for name in sorted(os.listdir(step)):
        if name.endswith("_errors.log"):
            groups = summarize(os.path.join(step, name), 5)
            out[name] = [{k: g[k] for k in ("kind", "expected", "received", "count", "first", "last", "calls")}
                         | {"per_second": dict(sorted(g["per_second"].items(), key=lambda kv: -kv[1])[:10])}
                         for g in sorted(groups, key=lambda g: -g["count"])]
    return out


def slope_mb_per_min(samples):
    """Least-squares slope of (seconds, MB) pairs, in MB per minute."""
    pts = [(t, m) for t, m in samples if m is not None]
    if len(pts) < 2:
        return None
    n = len(pts)
    mt = sum(t for t, _ in pts) / n
    mm = sum(m for _, m in pts) / n
    var = sum((t - mt) ** 2 for t, _ in pts)
    return round(60.0 * sum((t - mt) * (m - mm) for t, m in pts) / var, 3) if var else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--max-rate", type=int, default=3000, help="the proxy's max rate from the ramp, calls/s")
    ap.add_argument("--share", type=float, default=0.7, help="share of --max-rate to run at")
    ap.add_argument("--sample-seconds", type=int, default=30)
    ap.add_argument("--warmup-seconds", type=int, default=15)
    ap.add_argument("--sample-config", choices=tuple(SAMPLE_CONFIGS), default="equivalent")
    ap.add_argument("--jvm", default="-Xms512m -Xmx512m", help="proxy JVM options")
    ap.add_argument("--config", action="append", default=[], metavar="LINE")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "soak"))
    ap.add_argument("--uas", default=os.path.join(SCENARIOS, "uas-answer.xml"),
                    help="the callee's SIPp scenario (default sipp/uas-answer.xml)")
    ap.add_argument("--sipp-trace", choices=("err", "calldebug"),
                    help="both SIPp trace their unexpected messages (err: -trace_err), or those and the message history "
                         "of every failed call too (calldebug: -trace_calldebug, which costs SIPp a lot of CPU), in "
                         "the run's working directory (printed)")
    args = ap.parse_args()
    trace = {None: [], "err": ["-trace_err"], "calldebug": ["-trace_err", "-trace_calldebug"]}[args.sipp_trace]
    rate = max(1, int(args.max_rate * args.share))
    seconds = int(args.minutes * 60)
    calls = rate * seconds
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="sipmq-soak-")
    proxy = Proxy(tempfile.mkdtemp(prefix="proxy-", dir=workdir), 0, args.jvm.split(), args.config,
                  SAMPLE_CONFIGS[args.sample_config])
    load0 = loadavg()
    samples = []
    sampled_at = []  # UTC time of each heap sample (its full GC), to set beside SIPp's error times
    checks = {}
    try:
        warm_up(workdir, proxy, args.warmup_seconds)
        proxy.wait_drained(60)
        before = scrape(proxy)
        target = free_port()
        step = os.path.join(workdir, "soak")
        os.makedirs(step)
        print(f"# SIPp runs in {step}", flush=True)
        uas = subprocess.Popen(["sipp", "-sf", os.path.abspath(args.uas), "-i", "127.0.0.1", "-p",
                                str(target), "-m", str(calls), "-nostdin", "-timeout", f"{seconds + 120}s",
                                "-buff_size", "4194304"] + trace, cwd=step, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        cpu0, started = proxy.cpu_ms(), time.time()
        uac = subprocess.Popen(["sipp", f"127.0.0.1:{target}", "-sf", os.path.join(SCENARIOS, "uac-basic.xml"),
                                "-i", "127.0.0.1", "-p", str(free_port()), "-m", str(calls), "-r", str(rate),
                                "-l", str(max(rate * 4, 100)), "-nostdin", "-timeout", f"{seconds + 120}s",
                                "-trace_stat", "-stf", os.path.join(step, "stat.csv"), "-fd", "5",
                                "-buff_size", "4194304", "-rsa", f"127.0.0.1:{proxy.port}"] + trace, cwd=step,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while uac.poll() is None and time.time() - started < seconds + 180:
            time.sleep(min(args.sample_seconds, 5))
            t = time.time() - started
            if not samples or t - samples[-1][0] >= args.sample_seconds:
                at = time.strftime("%H:%M:%S", time.gmtime())
                heap = proxy.heap_after_gc_mb()
                samples.append((round(t, 1), heap))
                sampled_at.append(at)
                print(f"# {t:6.0f} s: heap after GC {heap} MB, transactions {proxy.transactions()}, "
                      f"acc {proxy.queue_size('acc')}", flush=True)
        if uac.poll() is None:
            uac.kill()
        elapsed = time.time() - started
        try:
            uas.wait(timeout=30)
        except subprocess.TimeoutExpired:
            uas.kill()
        cpu1 = proxy.cpu_ms()
        left_in_acc = proxy.wait_drained(60)
        deadline = time.time() + SETTLE_TIMEOUT_S
        while (proxy.transactions() or 0) > 0 and time.time() < deadline:
            time.sleep(1)
        after = scrape(proxy)
        final_heap = proxy.heap_after_gc_mb()
        with open(os.path.join(step, "stat.csv")) as f:
            rows = list(csv.reader(f, delimiter=";"))
        last = dict(zip(rows[0], rows[-1]))
    finally:
        proxy.stop()

    def delta(name):
        a, b = series(after, name), series(before, name)
        return None if a is None or b is None else int(a - b)

    placed, ok, failed = int(last["TotalCallCreated"]), int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"])
    adds, fetches, evictions = delta("mqueue_adds_total"), delta("mqueue_fetches_total"), delta("mqueue_evictions_total")
    size_after = int(series(after, "mqueue_size") or 0)
    size_before = int(series(before, "mqueue_size") or 0)
    transactions = after.get("sipmq_sip_stack_transactions")
    checks = {
        "no_transaction_left": transactions == 0,
        "queue_conserved": adds is not None and size_before + adds == fetches + size_after + evictions,
        "one_item_per_call": adds == placed,
        "every_call_completed": failed == 0 and ok == placed,
    }
    result = {
        "command": " ".join(sys.argv),
        "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(started)),
        "machine": {"nproc": os.cpu_count(), "loadavg_before": load0, "loadavg_at_end": loadavg()},
        "sample_config": SAMPLE_CONFIGS[args.sample_config],
        "rate": rate, "seconds": seconds, "elapsed_s": round(elapsed, 1),
        "calls": {"placed": placed, "successful": ok, "failed": failed,
                  "retransmissions": int(last.get("Retransmissions(C)", 0))},
        "proxy_cpu_ms_per_call": round((cpu1 - cpu0) / max(ok, 1), 3),
        "heap_samples": samples, "heap_samples_utc": sampled_at,
        "proxy": proxy_counts(before, after),
        "sipp_errors": sipp_errors(step) if args.sipp_trace else None, "heap_slope_mb_per_min": slope_mb_per_min(samples),
        # the first minute fills the transactions' 32 s lingering (RFC 3261 Timers J and L) from empty: the slope
        # of a steady state is the one after it
        "heap_slope_after_first_minute_mb_per_min": slope_mb_per_min([x for x in samples if x[0] >= 60]),
        "heap_after_settle_mb": final_heap,
        "transactions_at_end": transactions,
        "acc": {"size_before": size_before, "added": adds, "fetched": fetches, "evicted": evictions,
                "left": size_after, "left_after_drain_wait": left_in_acc},
        "checks": checks, "passed": all(checks.values()),
    }
    md = (f"Soak of sipmq ({result['sample_config']}) at {rate} calls/s for {seconds} s, started "
          f"{result['started_utc']} UTC; load average {load0} before, {result['machine']['loadavg_at_end']} at the "
          f"end\n\n| calls placed | successful | failed | CPU ms/call | heap slope MB/min (all / after the first minute) | heap after GC MB (first "
          f"/ last sample / settled) | transactions at end | acc added | fetched | left | evicted |\n"
          f"|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n"
          f"| {placed} | {ok} | {failed} | {result['proxy_cpu_ms_per_call']} | {result['heap_slope_mb_per_min']} / "
          f"{result['heap_slope_after_first_minute_mb_per_min']} | "
          f"{samples[0][1] if samples else '-'} / {samples[-1][1] if samples else '-'} / {final_heap} | "
          f"{transactions} | {adds} | {fetches} | {size_after} | {evictions} |\n\n"
          f"Heap samples (s, MB): {samples}, at (UTC) {sampled_at}\n\nProxy (deltas of /metrics): {result['proxy']}\n\n"
          f"Checks: {checks}\n")
    for name, groups in (result["sipp_errors"] or {}).items():
        md += f"\nSIPp errors, {name}:\n\n" + "".join(
            f"- {g['count']} {g['kind']}: expected {g['expected']}, received {g['received']}, {g['first']}..{g['last']}, "
            f"busiest seconds {list(g['per_second'].items())[:5]}\n" for g in groups[:12])
    with open(os.path.join(args.out, "soak.json"), "w") as f:
        json.dump(result, f, indent=2)
    with open(os.path.join(args.out, "soak.md"), "w") as f:
        f.write(md)
    print(md)
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
