#!/usr/bin/env python3
"""SIPp load benchmark of the sample proxy: the harness behind bench/run.sh.

Every run is bounded: each step places a fixed number of calls (rate x seconds) and SIPp itself
stops after -timeout. Traffic stays on 127.0.0.1. Results go to bench/results/ as JSON, a Markdown
table and a gnuplot chart.
"""
import argparse
import csv
import glob
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(ROOT, "sipp")
JAR = os.path.join(ROOT, "sample-proxy", "target", "sample-proxy.jar")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_ms(pid):
    """User + system CPU of a process so far, in milliseconds, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) * 1000.0 / CLK_TCK


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


class Proxy:
    """The sample proxy in its own JVM, started with a generated configuration."""

    def __init__(self, workdir, port, drain_delay_ms, jvm_opts):
        self.workdir = workdir
        self.port = port
        cfg = os.path.join(workdir, "bench.cfg")
        with open(os.path.join(ROOT, "sample-proxy", "conf", "bench.cfg")) as f:
            text = f.read()
        text = text.replace("@PORT@", str(port)).replace("@DATA@", os.path.join(workdir, "data"))
        text = text.replace("@DRAIN_DELAY_MS@", str(drain_delay_ms)).replace("@ADMIN_PORT@", str(free_port()))
        with open(cfg, "w") as f:
            f.write(text)
        self.log = open(os.path.join(workdir, "proxy.log"), "w")
        java = shutil.which("java")
        self.proc = subprocess.Popen([java] + jvm_opts + ["-jar", JAR, "--config", cfg],
                                     cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(os.path.join(workdir, "proxy.log")) as f:
                if "sipmq started" in f.read():
                    return
            if self.proc.poll() is not None:
                raise SystemExit(f"proxy exited early, see {workdir}/proxy.log")
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"proxy did not start in 60 s, see {workdir}/proxy.log")

    def cpu_ms(self):
        return proc_cpu_ms(self.proc.pid)

    def heap_after_gc_mb(self):
        subprocess.run(["jcmd", str(self.proc.pid), "GC.run"], capture_output=True, timeout=60)
        out = subprocess.run(["jcmd", str(self.proc.pid), "GC.heap_info"], capture_output=True, text=True,
                             timeout=60).stdout
        for line in out.splitlines():
            line = line.strip()
            if " used " in line and ("heap" in line or "garbage-first" in line):
                # e.g. "garbage-first heap   total 262144K, used 23456K [..."
                used = line.split(" used ")[1].split("K")[0]
                return round(int(used) / 1024.0, 1)
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def run_step(workdir, rate, seconds, target_port, via_proxy_port):
    """One rate step: a SIPp UAS and UAC; returns calls, failures and INVITE->200 latency percentiles."""
    calls = rate * seconds
    step_dir = tempfile.mkdtemp(prefix=f"step-{rate}-", dir=workdir)
    uas = subprocess.Popen(["sipp", "-sf", os.path.join(SCENARIOS, "uas-answer.xml"), "-i", "127.0.0.1",
                            "-p", str(target_port), "-m", str(calls), "-nostdin", "-timeout", f"{seconds + 60}s",
                            "-buff_size", "4194304"],
                           cwd=step_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    uac_cmd = ["sipp", f"127.0.0.1:{target_port}", "-sf", os.path.join(SCENARIOS, "uac-basic.xml"),
               "-i", "127.0.0.1", "-p", str(free_port()), "-m", str(calls), "-r", str(rate),
               "-l", str(max(rate * 4, 100)), "-nostdin", "-timeout", f"{seconds + 60}s", "-timeout_error",
               "-trace_stat", "-stf", os.path.join(step_dir, "stat.csv"), "-fd", "1",
               "-trace_rtt", "-rtt_freq", "1", "-buff_size", "4194304"]
    if via_proxy_port:
        uac_cmd += ["-rsa", f"127.0.0.1:{via_proxy_port}"]
    started = time.time()
    uac = subprocess.run(uac_cmd, cwd=step_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         timeout=seconds + 120)
    elapsed = time.time() - started
    try:
        uas.wait(timeout=10)
    except subprocess.TimeoutExpired:
        uas.kill()
    with open(os.path.join(step_dir, "stat.csv")) as f:
        rows = list(csv.reader(f, delimiter=";"))
    last = dict(zip(rows[0], rows[-1]))
    ok, failed = int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"])
    rtts = []
    for path in glob.glob(os.path.join(step_dir, "*_rtt.csv")):
        with open(path) as f:
            for row in csv.reader(f, delimiter=";"):
                if len(row) >= 3 and row[2].strip() == "1":
                    try:
                        rtts.append(float(row[1]))
                    except ValueError:
                        pass
    return {"rate": rate, "calls": calls, "successful": ok, "failed": failed, "sipp_exit": uac.returncode,
            "elapsed_s": round(elapsed, 1),
            "failed_pct": round(100.0 * (calls - ok) / calls, 3),
            "p50_ms": percentile(rtts, 50), "p90_ms": percentile(rtts, 90), "p99_ms": percentile(rtts, 99)}


def ramp(workdir, rates, seconds, proxy_factory):
    results = []
    for rate in rates:
        target = free_port()
        proxy = proxy_factory() if proxy_factory else None
        try:
            cpu0 = proxy.cpu_ms() if proxy else None
            r = run_step(workdir, rate, seconds, target, proxy.port if proxy else None)
            if proxy:
                time.sleep(2)  # let the drain finish its last run
                r["proxy_cpu_ms_per_call"] = round((proxy.cpu_ms() - cpu0) / max(r["successful"], 1), 3)
                r["heap_after_gc_mb"] = proxy.heap_after_gc_mb()
        finally:
            if proxy:
                proxy.stop()
        print(json.dumps(r), flush=True)
        results.append(r)
        if r["failed_pct"] >= 0.1 and rate != rates[0]:
            break
    return results


def max_rate(results):
    good = [r["rate"] for r in results if r["failed_pct"] < 0.1]
    return max(good) if good else None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rates", default="100,200,400,600,800,1000,1200,1500,2000,2500,3000")
    ap.add_argument("--seconds", type=int, default=10, help="length of each rate step")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--jvm", default="-Xms512m -Xmx512m", help="proxy JVM options")
    args = ap.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="sipmq-bench-")
    jvm_opts = args.jvm.split()

    def proxy(delay):
        return lambda: Proxy(tempfile.mkdtemp(prefix="proxy-", dir=workdir), free_port(), delay, jvm_opts)

    print("# SIPp UAC -> SIPp UAS (the machine's limit)", flush=True)
    direct = ramp(workdir, rates, args.seconds, None)
    print("# SIPp UAC -> sample proxy -> SIPp UAS", flush=True)
    proxied = ramp(workdir, rates, args.seconds, proxy(0))
    best = max_rate(proxied) or rates[0]
    half = max(best // 2, rates[0])
    print(f"# slow consumer at half the max rate ({half}/s): drain 0 ms vs 20 ms per item", flush=True)
    fast = ramp(workdir, [half], args.seconds * 2, proxy(0))[0]
    slow = ramp(workdir, [half], args.seconds * 2, proxy(20))[0]
    summary = {
        "machine": {"nproc": os.cpu_count(), "java": subprocess.run(["java", "-version"], capture_output=True,
                                                                    text=True).stderr.splitlines()[0],
                    "sipp": subprocess.run(["sipp", "-v"], capture_output=True, text=True).stdout.strip()
                    .splitlines()[0]},
        "direct": direct, "proxied": proxied,
        "max_rate_direct": max_rate(direct), "max_rate_proxied": max_rate(proxied),
        "slow_consumer": {"rate": half, "drain_0ms": fast, "drain_20ms": slow,
                          "p50_ratio": ratio(slow, fast, "p50_ms"), "p90_ratio": ratio(slow, fast, "p90_ms"),
                          "p99_ratio": ratio(slow, fast, "p99_ms")},
    }
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=2)
    chart(args.out, direct, proxied)
    print(json.dumps({k: v for k, v in summary.items() if k not in ("direct", "proxied")}, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)


def ratio(a, b, key):
    if a.get(key) is None or not b.get(key):
        return None
    return round(a[key] / b[key], 3)


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
set title 'sipmq sample proxy under SIPp load (UDP, 127.0.0.1)'
set xlabel 'offered calls per second'
set ylabel 'INVITE to 200 latency (ms)'
set y2label 'failed calls (%)'
set y2tics
set ytics nomirror
set key left top
set grid
plot '{out}/proxied.dat' using 1:2 with linespoints title 'proxy p50', \\
     '{out}/proxied.dat' using 1:3 with linespoints title 'proxy p99', \\
     '{out}/direct.dat' using 1:3 with linespoints title 'direct p99', \\
     '{out}/proxied.dat' using 1:4 axes x1y2 with boxes title 'proxy failed %'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=False)


if __name__ == "__main__":
    main()
