#!/usr/bin/env python3
"""SIPp load benchmark of the sample proxy: the harness behind bench/run.sh.

Three series, each bounded in calls and time (every step places rate x seconds calls, and SIPp itself stops after
-timeout), all on 127.0.0.1 over UDP:

  direct   SIPp UAC -> SIPp UAS, the machine's own limit;
  proxied  SIPp UAC -> sample proxy -> SIPp UAS, ramped until a step fails 0.1 % of its calls or more;
  slow     at half the highest proxied rate, the same calls with an accounting drain that does nothing and with one
           that spends 20 ms of simulated I/O per item: the SIP latency must not notice.

The proxy is one JVM per series, warmed up first (the JIT), so that a step measures a running proxy, not a cold one.
Results go to bench/results/: results.json, results.md and, when gnuplot is installed, chart.png.
"""
import argparse
import csv
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(ROOT, "sipp")
JAR = os.path.join(ROOT, "sample-proxy", "target", "sample-proxy.jar")
CLK_TCK = os.sysconf("SC_CLK_TCK")
FAIL_PCT = 0.1


def free_port(kind=socket.SOCK_DGRAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_ms(path):
    """User + system CPU so far of a process or thread, in milliseconds, from its /proc stat file."""
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / CLK_TCK


def thread_group(name):
    """The proxy's threads by role (Linux keeps the first 15 characters of a thread's name)."""
    for prefix, group in (("sipmq-proxy-", None), ("rtimer-acc", "acc drain (H2 writes)"),
                          ("rtimer-", "other timer routes"), ("C1 Compiler", "JIT"), ("C2 Compiler", "JIT"),
                          ("GC Thread", "GC"), ("G1 ", "GC"), ("VM Thread", "GC"), ("DefaultSipTime", "SIP timers"),
                          ("pool-jain_sip_t", "SIP timers"), ("H2-", "H2 background writer"),
                          ("MessageProcesso", "SIP socket reader"),
                          ("MVStore", "H2 background writer")):
        if name.startswith(prefix):
            if group is None:
                return "SIP workers (routing, hooks, mq_add)" if "-w" in name else "SIP stack reader (parse, match)"
            return group
    return "other"


def thread_cpu_ms(pid):
    groups = {}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(os.path.join(task, "comm")) as f:
                name = f.read().strip()
            ms = proc_cpu_ms(os.path.join(task, "stat"))
        except OSError:
            continue  # the thread ended meanwhile
        g = thread_group(name)
        groups[g] = groups.get(g, 0.0) + ms
    return groups


def udp_rcvbuf_errors():
    """Datagrams the kernel dropped so far because a UDP socket's receive buffer was full (all sockets)."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return int(dict(zip(rows[0][1:], rows[1][1:]))["RcvbufErrors"])


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return round(values[f] + (values[c] - values[f]) * (k - f), 2)


class Proxy:
    """The sample proxy in its own JVM, started with bench.cfg filled in."""

    def __init__(self, workdir, drain_delay_ms, jvm_opts, extra_config=()):
        self.workdir = workdir
        self.port = free_port()
        self.admin_port = free_port(socket.SOCK_STREAM)
        with open(os.path.join(ROOT, "sample-proxy", "conf", "bench.cfg")) as f:
            text = f.read()
        for k, v in (("@PORT@", self.port), ("@DATA@", os.path.join(workdir, "data")),
                     ("@DRAIN_DELAY_MS@", drain_delay_ms), ("@ADMIN_PORT@", self.admin_port)):
            text = text.replace(k, str(v))
        text += "".join(line + "\n" for line in extra_config)
        cfg = os.path.join(workdir, "bench.cfg")
        with open(cfg, "w") as f:
            f.write(text)
        self.log_path = os.path.join(workdir, "proxy.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([shutil.which("java")] + jvm_opts + ["-jar", JAR, "--config", cfg],
                                     cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(self.log_path) as f:
                if "sipmq started" in f.read():
                    return
            if self.proc.poll() is not None:
                raise SystemExit(f"proxy exited early, see {self.log_path}")
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"proxy did not start in 60 s, see {self.log_path}")

    def cpu_ms(self):
        return proc_cpu_ms(f"/proc/{self.proc.pid}/stat")

    def threads_cpu_ms(self):
        return thread_cpu_ms(self.proc.pid)

    def rpc(self, method, params=None):
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params or [], "id": 1}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.admin_port}/RPC", data=body,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.load(r).get("result")
        except OSError:
            return None

    def queue_size(self, name):
        r = self.rpc("mqueue.get_size", [name])
        return r["size"] if r else None

    def wait_drained(self, timeout_s):
        """Waits until the accounting queue is empty; returns its size when the wait ends."""
        deadline = time.time() + timeout_s
        size = self.queue_size("acc")
        while size and time.time() < deadline:
            time.sleep(0.2)
            size = self.queue_size("acc")
        return size

    def heap_after_gc_mb(self):
        subprocess.run(["jcmd", str(self.proc.pid), "GC.run"], capture_output=True, timeout=60)
        out = subprocess.run(["jcmd", str(self.proc.pid), "GC.heap_info"], capture_output=True, text=True,
                             timeout=60).stdout
        for line in out.splitlines():
            line = line.strip()
            if " used " in line and "heap" in line:
                # e.g. "garbage-first heap   total 524288K, used 23456K [..."
                return round(int(line.split(" used ")[1].split("K")[0]) / 1024.0, 1)
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def sipp_step(workdir, rate, seconds, via_proxy_port):
    """One bounded step: a SIPp UAS and a UAC placing rate x seconds calls; returns calls, failures, latencies."""
    calls = rate * seconds
    step_dir = tempfile.mkdtemp(prefix=f"step-{rate}-", dir=workdir)
    target = free_port()
    timeout = f"{seconds + 60}s"
    uas = subprocess.Popen(["sipp", "-sf", os.path.join(SCENARIOS, "uas-answer.xml"), "-i", "127.0.0.1",
                            "-p", str(target), "-m", str(calls), "-nostdin", "-timeout", timeout,
                            "-buff_size", "4194304"],
                           cwd=step_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    uac_cmd = ["sipp", f"127.0.0.1:{target}", "-sf", os.path.join(SCENARIOS, "uac-basic.xml"),
               "-i", "127.0.0.1", "-p", str(free_port()), "-m", str(calls), "-r", str(rate),
               "-l", str(max(rate * 4, 100)), "-nostdin", "-timeout", timeout, "-timeout_error",
               "-trace_stat", "-stf", os.path.join(step_dir, "stat.csv"), "-fd", "1",
               "-trace_rtt", "-rtt_freq", "1", "-buff_size", "4194304"]
    if via_proxy_port:
        uac_cmd += ["-rsa", f"127.0.0.1:{via_proxy_port}"]
    started, drops0 = time.time(), udp_rcvbuf_errors()
    uac = subprocess.run(uac_cmd, cwd=step_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         timeout=seconds + 120)
    elapsed = time.time() - started
    try:
        uas.wait(timeout=15)
    except subprocess.TimeoutExpired:
        uas.kill()
    with open(os.path.join(step_dir, "stat.csv")) as f:
        rows = list(csv.reader(f, delimiter=";"))
    last = dict(zip(rows[0], rows[-1]))
    ok = int(last["SuccessfulCall(C)"])
    rtts = []
    for path in glob.glob(os.path.join(step_dir, "*_rtt.csv")):
        with open(path) as f:
            for row in csv.reader(f, delimiter=";"):
                if len(row) >= 3 and row[2].strip() == "1":
                    try:
                        rtts.append(float(row[1]))
                    except ValueError:
                        pass
    shutil.rmtree(step_dir, ignore_errors=True)
    return {"rate": rate, "calls": calls, "successful": ok, "failed": calls - ok, "sipp_exit": uac.returncode,
            "retransmissions": int(last.get("Retransmissions(C)", 0)),
            "udp_rcvbuf_drops": udp_rcvbuf_errors() - drops0, "elapsed_s": round(elapsed, 1),
            "failed_pct": round(100.0 * (calls - ok) / calls, 3),
            "p50_ms": percentile(rtts, 50), "p90_ms": percentile(rtts, 90), "p99_ms": percentile(rtts, 99),
            "max_ms": max(rtts) if rtts else None}


def proxied_step(workdir, proxy, rate, seconds, drains=True):
    """A step through a running proxy, with the proxy's CPU per call (its drain included) and its heap after GC.

    With drains=False (the slow consumer, which cannot keep up by design) nothing waits for the queue to empty.
    """
    if drains:
        proxy.wait_drained(60)
    r = {"acc_queued_before_calls": proxy.queue_size("acc")}
    cpu0, threads0 = proxy.cpu_ms(), proxy.threads_cpu_ms()
    r.update(sipp_step(workdir, rate, seconds, proxy.port))
    r["acc_queued_after_calls"] = proxy.queue_size("acc")
    r["acc_queued_after_drain_wait"] = proxy.wait_drained(30) if drains else None
    cpu1, threads1 = proxy.cpu_ms(), proxy.threads_cpu_ms()
    calls = max(r["successful"], 1)
    r["proxy_cpu_ms_per_call"] = round((cpu1 - cpu0) / calls, 3)
    r["proxy_cpu_ms_per_call_by_thread"] = {g: round((threads1.get(g, 0) - threads0.get(g, 0)) / calls, 3)
                                            for g in sorted(threads1)}
    r["heap_after_gc_mb"] = proxy.heap_after_gc_mb()
    return r


def warm_up(workdir, proxy, seconds, drains=True):
    """JIT warm-up: calls at a low then a moderate rate, not reported."""
    for rate in (100, 300):
        r = sipp_step(workdir, rate, seconds, proxy.port)
        print(f"#   warm-up {rate}/s: {r['successful']}/{r['calls']} calls", flush=True)
        if drains:
            proxy.wait_drained(60)


def max_rate(results):
    good = [r["rate"] for r in results if r["failed_pct"] < FAIL_PCT]
    return max(good) if good else None


def ratio(a, b, key):
    if a.get(key) is None or not b.get(key):
        return None
    return round(a[key] / b[key], 3)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rates", default="200,400,600,800,1000,1200,1400,1600,1800,2000,2500,3000")
    ap.add_argument("--seconds", type=int, default=10, help="length of each rate step")
    ap.add_argument("--warmup-seconds", type=int, default=15, help="length of each of the two warm-up steps")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--jvm", default="-Xms512m -Xmx512m", help="proxy JVM options")
    ap.add_argument("--skip-direct", action="store_true", help="skip the SIPp-to-SIPp series")
    ap.add_argument("--slow-rate", type=int, help="run only the slow-consumer pair, at this rate (no ramps)")
    ap.add_argument("--config", action="append", default=[], metavar="LINE",
                    help="a line added to the proxy's bench.cfg (repeatable), e.g. 'sip.workers = 2'")
    args = ap.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="sipmq-bench-")
    jvm_opts = args.jvm.split()

    direct = []
    if not args.skip_direct and not args.slow_rate:
        print("# SIPp UAC -> SIPp UAS (the machine's limit)", flush=True)
        for rate in rates:
            r = sipp_step(workdir, rate, args.seconds, None)
            print(json.dumps(r), flush=True)
            direct.append(r)
            if r["failed_pct"] >= FAIL_PCT:
                break

    print("# SIPp UAC -> sample proxy -> SIPp UAS", flush=True)
    proxied = []
    if not args.slow_rate:
        proxy = Proxy(tempfile.mkdtemp(prefix="proxy-", dir=workdir), 0, jvm_opts, args.config)
        try:
            warm_up(workdir, proxy, args.warmup_seconds)
            for rate in rates:
                r = proxied_step(workdir, proxy, rate, args.seconds)
                print(json.dumps(r), flush=True)
                proxied.append(r)
                if r["failed_pct"] >= FAIL_PCT:
                    break
        finally:
            proxy.stop()

    best = max_rate(proxied) or rates[0]
    half = args.slow_rate or max(best // 2, 1)
    slow = {}
    for delay in (0, 20):
        print(f"# slow consumer at half the max rate ({half}/s): drain {delay} ms per item", flush=True)
        proxy = Proxy(tempfile.mkdtemp(prefix=f"proxy-{delay}-", dir=workdir), delay, jvm_opts, args.config)
        try:
            warm_up(workdir, proxy, args.warmup_seconds, drains=delay == 0)
            slow[delay] = proxied_step(workdir, proxy, half, args.seconds * 2, drains=delay == 0)
            print(json.dumps(slow[delay]), flush=True)
        finally:
            proxy.stop()

    summary = {
        "machine": {"nproc": os.cpu_count(), "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
                    "java": subprocess.run(["java", "-version"], capture_output=True, text=True)
                    .stderr.splitlines()[0],
                    "sipp": subprocess.run(["sipp", "-v"], capture_output=True, text=True).stdout.strip()
                    .splitlines()[0]},
        "command": " ".join(sys.argv),
        "direct": direct, "proxied": proxied,
        "max_rate_direct": max_rate(direct), "max_rate_proxied": max_rate(proxied),
        "slow_consumer": {"rate": half, "drain_0ms": slow[0], "drain_20ms": slow[20],
                          "p50_ratio": ratio(slow[20], slow[0], "p50_ms"),
                          "p90_ratio": ratio(slow[20], slow[0], "p90_ms"),
                          "p99_ratio": ratio(slow[20], slow[0], "p99_ms")},
    }
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=2)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(markdown(summary))
    if proxied:
        chart(args.out, direct, proxied)
    print(markdown(summary))
    shutil.rmtree(workdir, ignore_errors=True)


def markdown(s):
    def fmt(v):
        return "-" if v is None else str(v)

    lines = ["| series | rate/s | calls | failed % | retrans | UDP drops | p50 ms | p90 ms | p99 ms | proxy CPU ms/call "
             "| heap MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in ("direct", "proxied"):
        for r in s[name]:
            lines.append(f"| {name} | {r['rate']} | {r['calls']} | {r['failed_pct']} | {r['retransmissions']} | "
                         f"{fmt(r.get('udp_rcvbuf_drops'))} | "
                         f"{fmt(r['p50_ms'])} | {fmt(r['p90_ms'])} | {fmt(r['p99_ms'])} | "
                         f"{fmt(r.get('proxy_cpu_ms_per_call'))} | {fmt(r.get('heap_after_gc_mb'))} |")
    sc = s["slow_consumer"]
    for delay in ("0ms", "20ms"):
        r = sc["drain_" + delay]
        lines.append(f"| drain {delay}/item | {r['rate']} | {r['calls']} | {r['failed_pct']} | {r['retransmissions']} | "
                     f"{fmt(r.get('udp_rcvbuf_drops'))} | {fmt(r['p50_ms'])} | {fmt(r['p90_ms'])} | {fmt(r['p99_ms'])} | "
                     f"{fmt(r.get('proxy_cpu_ms_per_call'))} | {fmt(r.get('heap_after_gc_mb'))} |")
    lines.append("")
    lines.append(f"max rate direct: {fmt(s['max_rate_direct'])}/s; through the proxy: {fmt(s['max_rate_proxied'])}/s "
                 f"(fewer than {FAIL_PCT} % failed calls). Slow consumer at {sc['rate']}/s, latency ratio 20 ms "
                 f"drain / no-op drain: p50 {fmt(sc['p50_ratio'])}, p90 {fmt(sc['p90_ratio'])}, "
                 f"p99 {fmt(sc['p99_ratio'])}.")
    return "\n".join(lines) + "\n"


def chart(out, direct, proxied):
    """Rate against INVITE->200 latency and failures, as PNG, with gnuplot."""
    if not shutil.which("gnuplot"):
        print("gnuplot not found (apt-get install -y gnuplot-nox): no chart", file=sys.stderr)
        return
    for name, rows in (("direct", direct), ("proxied", proxied)):
        with open(os.path.join(out, f"{name}.dat"), "w") as f:
            for r in rows:
                f.write(f"{r['rate']} {r['p50_ms'] or 0} {r['p99_ms'] or 0} {r['failed_pct']}\n")
    script = f"""
set terminal pngcairo size 1000,600
set output '{out}/chart.png'
set title 'sipmq sample proxy under SIPp load (UDP, 127.0.0.1, 2 cores shared by UAC, UAS and proxy)'
set xlabel 'offered calls per second'
set ylabel 'INVITE to 200 latency (ms)'
set y2label 'failed calls (%)'
set y2tics
set ytics nomirror
set key left top
set grid
set style fill transparent solid 0.3
plot '{out}/proxied.dat' using 1:2 with linespoints title 'proxy p50', \\
     '{out}/proxied.dat' using 1:3 with linespoints title 'proxy p99', \\
     '{out}/direct.dat' using 1:3 with linespoints title 'direct p99', \\
     '{out}/proxied.dat' using 1:4 axes x1y2 with boxes title 'proxy failed %'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=False)


if __name__ == "__main__":
    main()
