#!/usr/bin/env python3
"""SIPp load benchmark of the sample proxy, and of Kamailio beside it: the harness behind bench/run.sh.

The series, each bounded in calls and time (every step places rate x seconds calls, and SIPp itself stops after
-timeout), all on 127.0.0.1 over UDP:

  direct    SIPp UAC -> SIPp UAS, the machine's own limit;
  proxied   SIPp UAC -> sample proxy -> SIPp UAS, ramped until a step fails 0.1 % of its calls or more
            (--peer sipmq or both);
  kamailio  the same ramp through Kamailio 5.6 with bench/kamailio/kamailio.cfg (--peer kamailio or both);
  slow      at half the highest proxied rate, the same calls with an accounting drain that does nothing and with one
            that spends 20 ms of simulated I/O per item: the SIP latency must not notice (when sipmq is a peer).

Each peer is one process (tree) per series, warmed up first (the JIT), so that a step measures a running proxy, not
a cold one. Its CPU per call is user + system time from /proc: the JVM's, or the sum over Kamailio's main process
and all its children. With Kamailio in the run the sample proxy runs bench-kamailio-equivalent.cfg (one mq_add per
new INVITE and a drain that only fetches, the work of the Kamailio script) unless --sample-config full.
Results go to bench/results/: results.json, results.md and, when gnuplot is installed, chart.png and chart-cpu.png.
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
KAMAILIO_CFG = os.path.join(ROOT, "bench", "kamailio", "kamailio.cfg")
SAMPLE_CONFIGS = {"full": "bench.cfg", "equivalent": "bench-kamailio-equivalent.cfg"}
CLK_TCK = os.sysconf("SC_CLK_TCK")
FAIL_PCT = 0.1
# Kamailio's shared memory (transactions, the acc queue) and private memory per process, in MB: at 3000 calls/s
# about 30,000 transactions wait for their 5 s wait timer.
KAMAILIO_SHM_MB = 512
KAMAILIO_PKG_MB = 16


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
    for prefix, group in (("sipmq-proxy-", None), ("rtimer-acc", "acc drain (rtimer-acc)"),
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


def descendants(pid):
    """The processes whose chain of parents reaches pid (Kamailio's children and theirs), from /proc."""
    children = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue  # the process ended meanwhile
        children.setdefault(ppid, []).append(int(stat.split("/")[2]))
    found, frontier = [], [pid]
    while frontier:  # bounded: each process is visited once, as the child of its one parent
        kids = children.get(frontier.pop(), [])
        found += kids
        frontier += kids
    return found


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(v) for v in f.read().split()[:3]]


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


class Peer:
    """What the step functions need of a proxy under test: its SIP port, its CPU, its acc queue, a stop."""
    name = "?"
    rpc_url = None

    def rpc(self, method, params=None):
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params or [], "id": 1}).encode()
        req = urllib.request.Request(self.rpc_url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.load(r).get("result")
        except (OSError, ValueError):
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


class Proxy(Peer):
    """The sample proxy in its own JVM, started with a template of sample-proxy/conf/ filled in."""
    name = "sipmq"

    def __init__(self, workdir, drain_delay_ms, jvm_opts, extra_config=(), template="bench.cfg"):
        self.workdir = workdir
        self.port = free_port()
        self.admin_port = free_port(socket.SOCK_STREAM)
        self.rpc_url = f"http://127.0.0.1:{self.admin_port}/RPC"
        with open(os.path.join(ROOT, "sample-proxy", "conf", template)) as f:
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

    def heap_after_gc_mb(self):
        """Live heap: the total of `jcmd GC.class_histogram`, which runs a full GC and counts what survived in the
        same pause. (GC.run then GC.heap_info, two attaches a second apart, also counted what the proxy allocated in
        between: tens of MB under load, though nothing when the proxy is idle, as after a ramp step.)"""
        out = subprocess.run(["jcmd", str(self.proc.pid), "GC.class_histogram"], capture_output=True, text=True,
                             timeout=120).stdout
        for line in reversed(out.splitlines()):
            parts = line.split()
            if parts and parts[0] == "Total" and len(parts) >= 3:
                return round(int(parts[2]) / 1048576.0, 1)
        return None

    def memory_mb(self):
        """The memory that holds the proxy's state: the heap after a full GC."""
        return self.heap_after_gc_mb()

    def transactions(self):
        """Transactions the proxy holds (lingering ones included), from /metrics."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/metrics", timeout=10) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith("sipmq_sip_stack_transactions"):
                        return int(float(line.split()[-1]))
        except (OSError, ValueError):
            pass
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def kamailio_role(description):
    """A Kamailio process's role, from its core.psx description ("udp receiver child=0 sock=...")."""
    for prefix, group in (("udp receiver", "SIP workers (udp receivers)"), ("RTIMER EXEC", "acc drain (rtimer)"),
                          ("timer", "timers (tm)"), ("slow timer", "timers (tm)"),
                          ("secondary timer", "timers (tm)"), ("tcp", "HTTP JSON-RPC (tcp)"),
                          ("main process", "main (attendant)")):
        if description.startswith(prefix):
            return group
    return "other"


def ensure_kamailio():
    """The kamailio binary, installed with apt-get when it is missing."""
    if not shutil.which("kamailio"):
        print("# kamailio not found: apt-get install -y kamailio", flush=True)
        if subprocess.run(["apt-get", "install", "-y", "kamailio"], timeout=900).returncode != 0:
            subprocess.run(["apt-get", "update"], check=True, timeout=900)  # a fresh machine's empty index
            subprocess.run(["apt-get", "install", "-y", "kamailio"], check=True, timeout=900)
    path = shutil.which("kamailio") or "/usr/sbin/kamailio"
    if not os.path.exists(path):
        raise SystemExit("kamailio is still not installed (apt-get install -y kamailio)")
    return path


class Kamailio(Peer):
    """Kamailio with bench/kamailio/kamailio.cfg, in the foreground as our child, on free ports on 127.0.0.1.

    Same interface as Proxy: the step functions serve both. CPU is the sum over the main process and every child.
    """
    name = "kamailio"

    def __init__(self, workdir, binary, sip_over_tcp=False):
        """With sip_over_tcp, SIP over TCP as well, on the UDP port's number (the flood sends both there)."""
        self.workdir = workdir
        self.port = free_port()
        self.http_port = free_port(socket.SOCK_STREAM)
        self.rpc_url = f"http://127.0.0.1:{self.http_port}/RPC"
        self.log_path = os.path.join(workdir, "kamailio.log")
        self.log = open(self.log_path, "w")
        self.command = [binary, "-f", KAMAILIO_CFG, "-DD", "-E", "-x", "fm", "-m", str(KAMAILIO_SHM_MB),
                        "-M", str(KAMAILIO_PKG_MB), "-l", f"udp:127.0.0.1:{self.port}",
                        "-l", f"tcp:127.0.0.1:{self.http_port}"]
        if sip_over_tcp:
            self.command += ["-l", f"tcp:127.0.0.1:{self.port}"]
        # Its own session, so that a kill at the very end reaches the children it forked, and nothing else.
        self.proc = subprocess.Popen(self.command, cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            psx = self.rpc("core.psx")
            if psx:
                self.roles = {p["PID"]: kamailio_role(p["DSC"]) for p in psx}
                return
            if self.proc.poll() is not None:
                self.log.close()
                with open(self.log_path) as f:
                    tail = "".join(f.readlines()[-20:])
                raise SystemExit(f"kamailio exited early (status {self.proc.returncode}), see {self.log_path}:\n{tail}")
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"kamailio did not answer JSON-RPC in 30 s, see {self.log_path}")

    def pids(self):
        return [self.proc.pid] + descendants(self.proc.pid)

    def cpu_ms(self):
        return sum(self.threads_cpu_ms().values())

    def threads_cpu_ms(self):
        """CPU so far by process role (the counterpart of the JVM's threads)."""
        groups = {}
        for pid in self.pids():
            try:
                ms = proc_cpu_ms(f"/proc/{pid}/stat")
            except OSError:
                continue  # the process ended meanwhile
            g = self.roles.get(pid, "other")
            groups[g] = groups.get(g, 0.0) + ms
        return groups

    def heap_after_gc_mb(self):
        return None

    def memory_mb(self):
        """The memory that holds the proxy's state: Kamailio's shared memory in use (core.shmmem real_used)."""
        r = self.rpc("core.shmmem")
        return round(r["real_used"] / 1048576.0, 1) if r and "real_used" in r else None

    def transactions(self):
        """Transactions tm holds (tm.stats current), the ones in their wait timer included."""
        r = self.rpc("tm.stats")
        return r.get("current") if isinstance(r, dict) else None

    def version(self):
        out = subprocess.run([self.command[0], "-v"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the main process stops its children
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own session only: Kamailio and its children
                self.proc.wait(timeout=30)
        self.log.close()


def sipp_step(workdir, rate, seconds, via_proxy_port, uac_opts=()):
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
               "-trace_rtt", "-rtt_freq", "1", "-buff_size", "4194304"] + list(uac_opts)
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
            "sipp_warnings": int(last.get("Warnings(C)", 0)),
            "udp_rcvbuf_drops": udp_rcvbuf_errors() - drops0, "elapsed_s": round(elapsed, 1),
            "failed_pct": round(100.0 * (calls - ok) / calls, 3),
            "p50_ms": percentile(rtts, 50), "p90_ms": percentile(rtts, 90), "p99_ms": percentile(rtts, 99),
            "max_ms": max(rtts) if rtts else None, "loadavg_after": loadavg()}


SETTLE_TIMEOUT_S = 45


def proxied_step(workdir, proxy, rate, seconds, drains=True, uac_opts=(), settle=False):
    """A step through a running proxy, with the proxy's CPU per call (its drain included) and its heap after GC.

    With drains=False (the slow consumer, which cannot keep up by design) nothing waits for the queue to empty.
    With settle, it then waits (at most SETTLE_TIMEOUT_S) for the transactions to end and measures the memory again.
    """
    if drains:
        proxy.wait_drained(60)
    r = {"acc_queued_before_calls": proxy.queue_size("acc")}
    cpu0, threads0 = proxy.cpu_ms(), proxy.threads_cpu_ms()
    r.update(sipp_step(workdir, rate, seconds, proxy.port, uac_opts))
    r["acc_queued_after_calls"] = proxy.queue_size("acc")
    r["acc_queued_after_drain_wait"] = proxy.wait_drained(30) if drains else None
    cpu1, threads1 = proxy.cpu_ms(), proxy.threads_cpu_ms()
    calls = max(r["successful"], 1)
    r["proxy_cpu_ms_per_call"] = round((cpu1 - cpu0) / calls, 3)
    r["proxy_cpu_ms_per_call_by_thread"] = {g: round((threads1.get(g, 0) - threads0.get(g, 0)) / calls, 3)
                                            for g in sorted(threads1)}
    r["heap_after_gc_mb"] = proxy.heap_after_gc_mb()
    r["memory_mb"] = r["heap_after_gc_mb"] if r["heap_after_gc_mb"] is not None else proxy.memory_mb()
    r["transactions_after"] = proxy.transactions()
    if settle:
        # the state the protocol keeps for a while (RFC 3261 Timers J and L: 32 s; Kamailio's wait timer: 5 s)
        # ends; what is left is what the step left behind for good
        started, deadline = time.time(), time.time() + SETTLE_TIMEOUT_S
        while (proxy.transactions() or 0) > 0 and time.time() < deadline:
            time.sleep(1)
        r["settled_s"] = round(time.time() - started, 1)
        r["transactions_settled"] = proxy.transactions()
        r["memory_settled_mb"] = proxy.memory_mb()
    return r


def warm_up(workdir, proxy, seconds, drains=True, uac_opts=()):
    """JIT warm-up: calls at a low then a moderate rate, not reported (the same for Kamailio, for symmetry)."""
    for rate in (100, 300):
        r = sipp_step(workdir, rate, seconds, proxy.port, uac_opts)
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


def ramp(workdir, proxy, rates, args, uac_opts):
    """Warm-up, then the rates in order until a step fails FAIL_PCT % of its calls or more; stops the proxy."""
    results = []
    try:
        warm_up(workdir, proxy, args.warmup_seconds, uac_opts=uac_opts)
        for rate in rates:
            r = proxied_step(workdir, proxy, rate, args.seconds, uac_opts=uac_opts, settle=not args.no_settle)
            print(json.dumps(r), flush=True)
            results.append(r)
            if r["failed_pct"] >= FAIL_PCT:
                break
    finally:
        proxy.stop()
    return results


def comparison(sipmq, kamailio, rates):
    """Per rate step run by both: CPU per call sipmq / Kamailio; and the ratio of the max rates."""
    by_rate = {r["rate"]: r for r in kamailio}
    steps = []
    for a in sipmq:
        b = by_rate.get(a["rate"])
        if b:
            steps.append({"rate": a["rate"], "sipmq_cpu_ms_per_call": a["proxy_cpu_ms_per_call"],
                          "kamailio_cpu_ms_per_call": b["proxy_cpu_ms_per_call"],
                          "cpu_per_call_ratio": ratio(a, b, "proxy_cpu_ms_per_call"),
                          "sipmq_failed_pct": a["failed_pct"], "kamailio_failed_pct": b["failed_pct"],
                          "sipmq_p99_ms": a["p99_ms"], "kamailio_p99_ms": b["p99_ms"]})
    top = {"sipmq": max_rate(sipmq), "kamailio": max_rate(kamailio)}
    # A peer that passed every step of the ramp was not pushed to its limit: its max rate is a lower bound.
    bounded = {name: bool(rs) and rs[-1]["failed_pct"] < FAIL_PCT and rs[-1]["rate"] == rates[-1]
               for name, rs in (("sipmq", sipmq), ("kamailio", kamailio))}
    return {"steps": steps, "max_rate_sipmq": top["sipmq"], "max_rate_kamailio": top["kamailio"],
            "max_rate_sipmq_is_lower_bound": bounded["sipmq"],
            "max_rate_kamailio_is_lower_bound": bounded["kamailio"],
            "max_rate_ratio": round(top["sipmq"] / top["kamailio"], 3) if top["sipmq"] and top["kamailio"] else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rates", default="200,400,600,800,1000,1200,1400,1600,1800,2000,2500,3000")
    ap.add_argument("--seconds", type=int, default=10, help="length of each rate step")
    ap.add_argument("--warmup-seconds", type=int, default=15, help="length of each of the two warm-up steps")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--peer", choices=("sipmq", "kamailio", "both"), default="sipmq",
                    help="what is ramped: the sample proxy (default), Kamailio, or both one after the other")
    ap.add_argument("--sample-config", choices=tuple(SAMPLE_CONFIGS),
                    help="the sample proxy's template: full (bench.cfg: CDRs into H2) or equivalent "
                         "(bench-kamailio-equivalent.cfg: Kamailio's work); default equivalent with Kamailio "
                         "in the run, full otherwise")
    ap.add_argument("--jvm", default="-Xms512m -Xmx512m", help="proxy JVM options")
    ap.add_argument("--skip-direct", action="store_true", help="skip the SIPp-to-SIPp series")
    ap.add_argument("--skip-slow", action="store_true", help="skip the slow-consumer pair")
    ap.add_argument("--no-settle", action="store_true",
                    help="do not wait after each ramp step for the transactions to end (memory measured once)")
    ap.add_argument("--slow-rate", type=int, help="run only the slow-consumer pair, at this rate (no ramps)")
    ap.add_argument("--config", action="append", default=[], metavar="LINE",
                    help="a line added to the proxy's configuration (repeatable), e.g. 'sip.workers = 2'")
    args = ap.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    peers = {"sipmq": ["sipmq"], "kamailio": ["kamailio"], "both": ["sipmq", "kamailio"]}[args.peer]
    if args.slow_rate and peers != ["sipmq"]:
        ap.error("--slow-rate runs only the sample proxy's slow-consumer pair: use it with --peer sipmq")
    sample_config = args.sample_config or ("equivalent" if "kamailio" in peers else "full")
    template = SAMPLE_CONFIGS[sample_config]
    kamailio_bin = ensure_kamailio() if "kamailio" in peers else None
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="sipmq-bench-")
    jvm_opts = args.jvm.split()
    load_at_start, commit = loadavg(), git_commit()  # the commit measured, before anyone commits during the run
    # Kamailio's two SIP processes may relay a call's 180 after its 200 (each reply is sent once its process has
    # let go of the transaction), and a strict SIPp caller aborts such a call. A real UA ignores a late 180: with
    # Kamailio in the run every series uses the same lenient caller, which counts the message as a warning.
    uac_opts = ["-default_behaviors", "all,-abortunexp"] if "kamailio" in peers else []

    direct = []
    if not args.skip_direct and not args.slow_rate:
        print("# SIPp UAC -> SIPp UAS (the machine's limit)", flush=True)
        for rate in rates:
            r = sipp_step(workdir, rate, args.seconds, None, uac_opts)
            print(json.dumps(r), flush=True)
            direct.append(r)
            if r["failed_pct"] >= FAIL_PCT:
                break

    proxied, kamailio, kamailio_version = [], [], None
    if not args.slow_rate:
        for peer in peers:
            if peer == "sipmq":
                print(f"# SIPp UAC -> sample proxy ({template}) -> SIPp UAS", flush=True)
                proxied = ramp(workdir, Proxy(tempfile.mkdtemp(prefix="proxy-", dir=workdir), 0, jvm_opts,
                                              args.config, template), rates, args, uac_opts)
            else:
                print("# SIPp UAC -> Kamailio (bench/kamailio/kamailio.cfg) -> SIPp UAS", flush=True)
                kam = Kamailio(tempfile.mkdtemp(prefix="kamailio-", dir=workdir), kamailio_bin)
                kamailio_version = kam.version()
                print(f"#   {' '.join(kam.command)}", flush=True)
                kamailio = ramp(workdir, kam, rates, args, uac_opts)

    slow = {}
    if "sipmq" in peers and not args.skip_slow:
        best = max_rate(proxied) or rates[0]
        half = args.slow_rate or max(best // 2, 1)
        for delay in (0, 20):
            print(f"# slow consumer at half the max rate ({half}/s): drain {delay} ms per item", flush=True)
            proxy = Proxy(tempfile.mkdtemp(prefix=f"proxy-{delay}-", dir=workdir), delay, jvm_opts, args.config,
                          template)
            try:
                warm_up(workdir, proxy, args.warmup_seconds, drains=delay == 0, uac_opts=uac_opts)
                slow[delay] = proxied_step(workdir, proxy, half, args.seconds * 2, drains=delay == 0,
                                           uac_opts=uac_opts)
                print(json.dumps(slow[delay]), flush=True)
            finally:
                proxy.stop()

    summary = {
        "machine": {"nproc": os.cpu_count(), "loadavg_at_start": load_at_start, "loadavg_at_end": loadavg(),
                    "java": subprocess.run(["java", "-version"], capture_output=True, text=True)
                    .stderr.splitlines()[0],
                    "sipp": subprocess.run(["sipp", "-v"], capture_output=True, text=True).stdout.strip()
                    .splitlines()[0],
                    "kamailio": kamailio_version},
        "command": " ".join(sys.argv), "sipp_uac_options": uac_opts, "git_commit": commit,
        "peers": peers, "sample_config": template if "sipmq" in peers else None,
        "kamailio_config": {"file": os.path.relpath(KAMAILIO_CFG, ROOT), "shm_mb": KAMAILIO_SHM_MB,
                            "pkg_mb": KAMAILIO_PKG_MB, "memory_manager": "fm"} if kamailio_bin else None,
        "direct": direct, "proxied": proxied, "kamailio": kamailio,
        "max_rate_direct": max_rate(direct), "max_rate_proxied": max_rate(proxied),
        "max_rate_kamailio": max_rate(kamailio),
        "comparison": comparison(proxied, kamailio, rates) if proxied and kamailio else None,
        "slow_consumer": {"rate": slow[0]["rate"], "drain_0ms": slow[0], "drain_20ms": slow[20],
                          "p50_ratio": ratio(slow[20], slow[0], "p50_ms"),
                          "p90_ratio": ratio(slow[20], slow[0], "p90_ms"),
                          "p99_ratio": ratio(slow[20], slow[0], "p99_ms")} if slow else None,
    }
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=2)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(markdown(summary))
    if proxied or kamailio:
        chart(args.out, direct, proxied, kamailio)
    print(markdown(summary))
    shutil.rmtree(workdir, ignore_errors=True)


def git_commit():
    """The commit measured, with "+dirty" when the work tree differs from it."""
    def run(*a):
        return subprocess.run(["git", "-C", ROOT, *a], capture_output=True, text=True, timeout=30)

    head = run("rev-parse", "--short", "HEAD").stdout.strip()
    return head + ("+dirty" if head and run("status", "--porcelain", "--untracked-files=no").stdout.strip() else "")


def fmt(v):
    return "-" if v is None else str(v)


def markdown(s):
    lines = ["| series | rate/s | calls | failed % | retrans | SIPp warnings | UDP drops | p50 ms | p90 ms | p99 ms "
             "| proxy CPU ms/call | memory MB | transactions | memory settled MB | load 1 min |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def row(name, r):
        lines.append(f"| {name} | {r['rate']} | {r['calls']} | {r['failed_pct']} | {r['retransmissions']} | "
                     f"{fmt(r.get('sipp_warnings'))} | {fmt(r.get('udp_rcvbuf_drops'))} | {fmt(r['p50_ms'])} | {fmt(r['p90_ms'])} | "
                     f"{fmt(r['p99_ms'])} | {fmt(r.get('proxy_cpu_ms_per_call'))} | {fmt(r.get('memory_mb'))} "
                     f"| {fmt(r.get('transactions_after'))} | {fmt(r.get('memory_settled_mb'))} "
                     f"| {fmt((r.get('loadavg_after') or [None])[0])} |")

    for name in ("direct", "proxied", "kamailio"):
        for r in s[name]:
            row(name, r)
    sc = s["slow_consumer"]
    if sc:
        for delay in ("0ms", "20ms"):
            row(f"drain {delay}/item", sc["drain_" + delay])
    lines.append("")
    tops = [f"max rate direct: {fmt(s['max_rate_direct'])}/s"]
    if "sipmq" in s["peers"]:
        tops.append(f"through the sample proxy ({s['sample_config']}): {fmt(s['max_rate_proxied'])}/s")
    if "kamailio" in s["peers"]:
        tops.append(f"through Kamailio: {fmt(s['max_rate_kamailio'])}/s")
    lines.append("; ".join(tops) + f" (fewer than {FAIL_PCT} % failed calls).")
    if sc:
        lines.append(f"Slow consumer at {sc['rate']}/s, latency ratio 20 ms drain / no-op drain: "
                     f"p50 {fmt(sc['p50_ratio'])}, p90 {fmt(sc['p90_ratio'])}, p99 {fmt(sc['p99_ratio'])}.")
    c = s["comparison"]
    if c:
        lines += ["", "| rate/s | sipmq CPU ms/call | Kamailio CPU ms/call | ratio sipmq/Kamailio | sipmq failed % "
                  "| Kamailio failed % | sipmq p99 ms | Kamailio p99 ms |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in c["steps"]:
            lines.append(f"| {r['rate']} | {r['sipmq_cpu_ms_per_call']} | {r['kamailio_cpu_ms_per_call']} | "
                         f"{fmt(r['cpu_per_call_ratio'])} | {r['sipmq_failed_pct']} | {r['kamailio_failed_pct']} | "
                         f"{fmt(r['sipmq_p99_ms'])} | {fmt(r['kamailio_p99_ms'])} |")

        def top(name):
            v = c[f"max_rate_{name}"]
            return f"{'>= ' if c[f'max_rate_{name}_is_lower_bound'] else ''}{fmt(v)}/s"

        lines += ["", f"Max rate sipmq {top('sipmq')}, Kamailio {top('kamailio')}: ratio sipmq/Kamailio "
                      f"{fmt(c['max_rate_ratio'])}."]
        if c["max_rate_sipmq_is_lower_bound"] or c["max_rate_kamailio_is_lower_bound"]:
            lines.append(">= : passed every step up to the top of the ramp, so its limit was not reached and the "
                         "ratio of max rates is only a bound; rerun with higher --rates.")
    m = s["machine"]
    if s["sipp_uac_options"]:
        lines.append(f"SIPp caller options added for every series: {' '.join(s['sipp_uac_options'])} (a late 180 "
                     "is a warning, not a failed call).")
    lines.append("memory: sipmq's heap after a full GC, Kamailio's shared memory in use (core.shmmem real_used), "
                 "right after the step with its transactions (lingering ones included) and, settled, once they ended.")
    lines.append(f"Load average (1, 5, 15 min) at start {m['loadavg_at_start']}, at end {m['loadavg_at_end']}; "
                 f"{m['nproc']} CPUs.")
    return "\n".join(lines) + "\n"


def chart(out, direct, proxied, kamailio):
    """Rate against INVITE->200 latency and failures, and rate against CPU per call, as PNG, with gnuplot."""
    if not shutil.which("gnuplot"):
        print("gnuplot not found (apt-get install -y gnuplot-nox): no chart", file=sys.stderr)
        return
    series = [(name, rows) for name, rows in (("direct", direct), ("proxied", proxied), ("kamailio", kamailio))
              if rows]
    for name, rows in series:
        with open(os.path.join(out, f"{name}.dat"), "w") as f:
            for r in rows:
                cpu = r.get("proxy_cpu_ms_per_call")
                f.write(f"{r['rate']} {r['p50_ms'] or 0} {r['p99_ms'] or 0} {r['failed_pct']} "
                        f"{'NaN' if cpu is None else cpu}\n")
    names = {n for n, _ in series}
    latency, cpu = [], []
    for name, title in (("proxied", "sipmq"), ("kamailio", "Kamailio")):
        if name in names:
            latency += [f"'{out}/{name}.dat' using 1:2 with linespoints title '{title} p50'",
                        f"'{out}/{name}.dat' using 1:3 with linespoints title '{title} p99'"]
            cpu.append(f"'{out}/{name}.dat' using 1:5 with linespoints title '{title}'")
    if "direct" in names:
        latency.append(f"'{out}/direct.dat' using 1:3 with linespoints title 'direct p99'")
    for name, title in (("proxied", "sipmq"), ("kamailio", "Kamailio")):
        if name in names:
            latency.append(f"'{out}/{name}.dat' using 1:4 axes x1y2 with boxes title '{title} failed %'")
    script = f"""
set terminal pngcairo size 1000,600
set output '{out}/chart.png'
set title 'SIPp load through the proxies (UDP, 127.0.0.1, 2 cores shared by UAC, UAS and proxy)'
set xlabel 'offered calls per second'
set ylabel 'INVITE to 200 latency (ms)'
set y2label 'failed calls (%)'
set y2tics
set y2range [0:1<*]
set ytics nomirror
set key left top
set grid
set boxwidth 60
set style fill transparent solid 0.3
plot {", ".join(latency)}
"""
    if cpu:
        script += f"""
set output '{out}/chart-cpu.png'
set title 'proxy CPU per successful call (user + system, all threads or processes, drain included)'
set ylabel 'CPU ms per call'
unset y2label
unset y2tics
set ytics mirror
set yrange [0:*]
plot {", ".join(cpu)}
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=False)


if __name__ == "__main__":
    main()
