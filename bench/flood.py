#!/usr/bin/env python3
"""Flood of malformed SIP messages against a proxy, with health probes and real calls: bench/run.sh --flood.

For --seconds (default 30) it sends a catalogue of malformed messages (garbage, truncated requests, bad Content-Length,
huge headers, stray responses, bad CSeq, missing mandatory headers, bad start lines, bad Via, NUL bytes, non-UTF-8,
garbage Max-Forwards, ...) over UDP (--udp-rate, 2,000 datagrams/s) and TCP (--tcp-rate, 1,000 messages/s over
--tcp-connections connections, half of which stay open while the others send a few messages and close). Sends are
paced in 10 ms ticks on an absolute schedule, and the achieved rates are measured and reported.

Once per --probe-every (100) flood datagrams (20 a second at the default rate) it sends an `OPTIONS sip:probe@<target>`
with `Max-Forwards: 0` and matches the answer (483, or 200 from a peer that answers OPTIONS itself) by Call-ID:
answered, unanswered, latency p50/p90/p99/max. The probes are sent and timed by a process of their own with a blocking
socket, so that the flood's own threads (which share one interpreter lock) cannot delay their timestamps. During the flood SIPp places calls (sipp/uac-basic.xml through the proxy to a
SIPp sipp/uas-answer.xml, --call-rate per second for the middle of the flood, bounded). Every malformed request names
as its Request-URI a local "sink" UDP socket: whatever the proxy forwards there was malformed and got through.

The peer is started by this script (--peer, one of PEERS) or already running (--target host:port).
Results: bench/results/flood.json and flood.md. Python 3.11 standard library only, besides SIPp.
"""
import argparse
import csv
import json
import multiprocessing
import os
import random
import re
import select
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipp_bench import ROOT, SAMPLE_CONFIGS, SCENARIOS, Kamailio, Proxy, ensure_kamailio, free_port, percentile, udp_rcvbuf_errors  # noqa: E402,E501

TICK_S = 0.010
DESYNC = {"truncated", "content_length_over"}
LOCAL = "127.0.0.1"


class SipmqPeer(Proxy):
    """The sample proxy (bench.cfg), listening on TCP as well as UDP, on the same port."""

    def __init__(self, workdir, jvm_opts, extra_config=(), template="bench.cfg"):
        peer = self

        class Lines:
            # Proxy picks its port before it reads the extra lines: the TCP listen line is written then.
            def __iter__(self):
                yield f"listen = tcp:127.0.0.1:{peer.port}"
                yield from extra_config

        super().__init__(workdir, 0, jvm_opts, Lines(), template)

    def metrics(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/metrics", timeout=10) as r:
                return r.read().decode()
        except OSError:
            return None


# A peer is started with (workdir, args) and offers .port (UDP and TCP) and .stop(); .metrics() is optional.
PEERS = {
    "sipmq": lambda workdir, args: SipmqPeer(workdir, args.jvm.split(), args.config,
                                             SAMPLE_CONFIGS[args.sample_config]),
    # bench/kamailio/kamailio.cfg, with SIP over TCP on the UDP port's number
    "kamailio": lambda workdir, args: Kamailio(workdir, ensure_kamailio(), sip_over_tcp=True),
}


# --- the catalogue of malformed messages ---------------------------------------------------------------------------

def _request(target, sink, kind, n, transport="UDP", method="INVITE", via=None, max_forwards="70", cseq=None, drop=(), extra="",
             body="", content_length=None, uri=None, call_id=None, to=None, start_line=None):
    """A request to the sink (so that a forwarded one is seen there), with one thing wrong in it."""
    uri = uri or f"sip:victim@{sink}"
    headers = [
        ("Via", via or f"SIP/2.0/{transport} {LOCAL}:9;branch=z9hG4bK-fl-{kind}-{n}"),
        ("Max-Forwards", max_forwards),
        ("From", f"<sip:flood@{LOCAL}>;tag=fl{n}"),
        ("To", to or f"<sip:victim@{sink}>"),
        ("Call-ID", call_id or f"flood-{kind}-{n}@flood"),
        ("CSeq", cseq or f"1 {method}"),
        ("Contact", f"<sip:flood@{LOCAL}:9>"),
    ]
    lines = [start_line or f"{method} {uri} SIP/2.0"]
    lines += [f"{k}: {v}" for k, v in headers if k not in drop]
    if extra:
        lines.append(extra)
    cl = len(body.encode()) if content_length is None else content_length
    lines.append(f"Content-Length: {cl}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8", "surrogateescape")


def _garbage(rnd, n, **_):
    return rnd.randbytes(rnd.randint(20, 1400))


def _huge(rnd, size_min=8_000, size_max=60_000):
    return "x" * rnd.randint(size_min, size_max)


def catalogue(target, sink, transport):
    """kind -> function(rnd, n) returning the bytes of one malformed message sent over transport (UDP or TCP).

    Requests name the sink as Request-URI (what the peer forwards of them arrives there) and their own transport in
    Via, with sent-by port 9 (discard): an attacker's answers go nowhere. Responses name the sink in both Vias, never
    the peer: the peer must drop them (RFC 3261 18.1.2)."""
    def r(kind, **kw):
        return lambda rnd, n: _request(target, sink, kind, n, transport, **kw)

    def req(rnd, n, kind, **kw):
        return _request(target, sink, kind, n, transport, **kw)
    sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"
    kinds = {
        "garbage": _garbage,
        "truncated": lambda rnd, n: req(rnd, n, "truncated", body=sdp)[:rnd.randint(10, 200)],
        "content_length_nan": r("content_length_nan", body=sdp, content_length="many"),
        "content_length_over": r("content_length_over", body=sdp, content_length=5000),
        "content_length_negative": r("content_length_negative", body=sdp, content_length=-12),
        "huge_call_id": lambda rnd, n: req(rnd, n, "huge_call_id", call_id=f"flood-huge_call_id-{n}-{_huge(rnd)}@flood"),
        "huge_to_uri": lambda rnd, n: req(rnd, n, "huge_to_uri", to=f"<sip:{_huge(rnd)}@{sink}>"),
        "stray_response": lambda rnd, n: (
            f"SIP/2.0 {rnd.choice((180, 200, 486))} Whatever\r\n"
            f"Via: SIP/2.0/{transport} {sink};branch=z9hG4bK-{rnd.choice(('sq-', ''))}stray{n}\r\n"
            f"Via: SIP/2.0/{transport} {sink};branch=z9hG4bK-fl-stray-{n}\r\n"
            f"From: <sip:flood@{LOCAL}>;tag=fl{n}\r\nTo: <sip:victim@{sink}>;tag=v{n}\r\n"
            f"Call-ID: flood-stray_response-{n}@flood\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n").encode(),
        "cseq_not_a_number": r("cseq_not_a_number", cseq="one INVITE"),
        "cseq_method_mismatch": r("cseq_method_mismatch", method="OPTIONS", cseq="1 BYE"),
        "no_via": r("no_via", drop=("Via",)),
        "no_from": r("no_from", drop=("From",)),
        "no_to": r("no_to", drop=("To",)),
        "no_call_id": r("no_call_id", drop=("Call-ID",)),
        "no_cseq": r("no_cseq", drop=("CSeq",)),
        "bad_start_line": lambda rnd, n: req(rnd, n, "bad_start_line", start_line=rnd.choice((
            f"INVITE sip:victim@{sink} SIP/3.0", "HELLO WORLD", "INVITE  SIP/2.0", f"INV(TE sip:victim@{sink} SIP/2.0",
            "SIP/2.0 99999 Weird"))),
        "bad_request_uri": r("bad_request_uri", uri="sip:@@@:port;;;"),
        "bad_via": lambda rnd, n: req(rnd, n, "bad_via", via=rnd.choice((
            "SIP/2.0/UDP", "garbage", "SIP/2.0/UDP 127.0.0.1:notaport;branch=z9hG4bK-x", "SIP/9.9/XYZ ;;;;"))),
        "header_without_colon": r("header_without_colon", extra="This line is not a header"),
        "nul_bytes": lambda rnd, n: req(rnd, n, "nul_bytes").replace(b"From: ", b"From: \x00\x00", 1),
        "non_utf8": lambda rnd, n: req(rnd, n, "non_utf8").replace(
            b"From: ", b"From: \"\xff\xfe\xc3\x28\" ", 1),
        "max_forwards_garbage": r("max_forwards_garbage", method="OPTIONS", max_forwards="lots"),
    }
    if transport == "TCP":  # over sip.max_message_size (64 KiB): more than a datagram can carry
        kinds["too_large"] = lambda rnd, n: req(rnd, n, "too_large", extra="X-Padding: " + "p" * 70_000)
    return kinds


def probe(target, probe_port, n):
    return (f"OPTIONS sip:probe@{target} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {LOCAL}:{probe_port};branch=z9hG4bK-probe-{n};rport\r\n"
            f"Max-Forwards: 0\r\nFrom: <sip:flood@{LOCAL}>;tag=probe{n}\r\nTo: <sip:probe@{target}>\r\n"
            f"Call-ID: probe-{n}@flood\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode()


def header(msg, name):
    for line in msg.split(b"\r\n"):
        if line[:len(name) + 1].lower() == name.lower() + b":":
            return line.split(b":", 1)[1].strip().decode("utf-8", "replace")
    return None


# --- senders and receivers -----------------------------------------------------------------------------------------

class Paced:
    """How many sends are due after t seconds at rate/s, on an absolute schedule (a late tick catches up)."""

    def __init__(self, rate):
        self.rate = rate
        self.sent = 0

    def due(self, elapsed):
        return max(0, int(elapsed * self.rate) - self.sent)


class Flood:
    def __init__(self, args, host, port):
        self.args = args
        self.host, self.port = host, port
        self.target = f"{host}:{port}"
        self.rnd = random.Random(args.seed)
        self.sink, self.sink_tcp = sink_sockets()
        sink = f"{LOCAL}:{self.sink.getsockname()[1]}"
        self.kinds = {"UDP": catalogue(self.target, sink, "UDP"), "TCP": catalogue(self.target, sink, "TCP")}
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((LOCAL, 0))
        self.udp.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.udp_sent = {}
        self.udp_errors = 0
        self.tcp_sent = {}
        self.tcp = {"connects": 0, "connect_errors": 0, "closed_by_peer": 0, "send_errors": 0, "skipped_backlog": 0}
        self.responses = {"udp": {}, "tcp": {}}
        self.forwarded = {}  # "kind/transport" -> distinct Call-IDs
        self.udp_elapsed = self.tcp_elapsed = 0.0

    def message(self, transport, n):
        kinds = self.kinds[transport]
        kind = list(kinds)[n % len(kinds)]
        return kind, kinds[kind](self.rnd, n)

    def run_udp(self):
        paced, n = Paced(self.args.udp_rate), 0
        start = time.monotonic()
        while not self.stop.is_set():
            elapsed = time.monotonic() - start
            if elapsed >= self.args.seconds:
                break
            for _ in range(paced.due(elapsed)):
                kind, data = self.message("UDP", n)
                try:
                    self.udp.sendto(data[:65507], (self.host, self.port))
                    self.udp_sent[kind] = self.udp_sent.get(kind, 0) + 1
                except OSError:
                    self.udp_errors += 1
                n += 1
                paced.sent += 1
            time.sleep(max(0.0, TICK_S - (time.monotonic() - start - elapsed)))
        self.udp_elapsed = time.monotonic() - start

    def run_tcp(self):
        """One thread, non-blocking sockets: half the slots stay connected, the others send 1-5 messages and close; a
        connection also closes after a message of DESYNC, so that what reaches the sink is what was sent."""
        slots = [{"sock": None, "pending": b"", "left": 0, "stay": i % 2 == 0} for i in range(self.args.tcp_connections)]
        paced, n = Paced(self.args.tcp_rate), 0
        start = time.monotonic()
        while not self.stop.is_set():
            elapsed = time.monotonic() - start
            if elapsed >= self.args.seconds:
                break
            for _ in range(paced.due(elapsed)):
                slot = slots[n % len(slots)]
                n += 1
                paced.sent += 1
                if slot["sock"] is None and not self._connect(slot):
                    continue
                if len(slot["pending"]) > 256 << 10:
                    self.tcp["skipped_backlog"] += 1  # the peer does not read: do not queue without bound
                    continue
                kind, data = self.message("TCP", n)
                self.tcp_sent[kind] = self.tcp_sent.get(kind, 0) + 1
                slot["pending"] += data
                # After these, the next message would be read as this one's body or headers: close after them.
                slot["left"] = 0 if kind in DESYNC else slot["left"] - 1
            for slot in slots:
                self._pump(slot)
            time.sleep(max(0.0, TICK_S - (time.monotonic() - start - elapsed)))
        self.tcp_elapsed = time.monotonic() - start
        for slot in slots:
            self._close(slot)

    def _connect(self, slot):
        try:
            s = socket.create_connection((self.host, self.port), timeout=1)
            s.setblocking(False)
        except OSError:
            self.tcp["connect_errors"] += 1
            return False
        self.tcp["connects"] += 1
        slot.update(sock=s, pending=b"", left=10 ** 9 if slot["stay"] else self.rnd.randint(1, 5))
        return True

    def _pump(self, slot):
        s = slot["sock"]
        if s is None:
            return
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    self.tcp["closed_by_peer"] += 1
                    self._close(slot)
                    return
                self._count_responses("tcp", data)
        except BlockingIOError:
            pass
        except OSError:
            self.tcp["closed_by_peer"] += 1
            self._close(slot)
            return
        try:
            if slot["pending"]:
                k = s.send(slot["pending"])
                slot["pending"] = slot["pending"][k:]
        except BlockingIOError:
            pass
        except OSError:
            self.tcp["send_errors"] += 1
            self._close(slot)
            return
        if slot["left"] <= 0 and not slot["pending"]:
            self._close(slot)

    @staticmethod
    def _close(slot):
        if slot["sock"] is not None:
            try:
                slot["sock"].close()
            except OSError:
                pass
        slot.update(sock=None, pending=b"")

    def _count_responses(self, transport, data):
        for part in data.split(b"SIP/2.0 ")[1:]:
            code = part[:3].decode("ascii", "replace")
            self.responses[transport][code] = self.responses[transport].get(code, 0) + 1

    def run_receiver(self):
        sel = selectors.DefaultSelector()
        for s in (self.udp, self.sink, self.sink_tcp):
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        while not self.stop.is_set():
            for key, _ in sel.select(0.1):
                try:
                    data = b"" if key.fileobj is self.sink_tcp else key.fileobj.recv(65536)
                except (BlockingIOError, OSError):
                    continue
                now = time.monotonic()
                if key.fileobj is self.udp:
                    self._count_responses("udp", data)
                elif key.fileobj is self.sink:
                    self._forwarded(data)
                elif key.fileobj is self.sink_tcp:
                    try:
                        conn, _ = self.sink_tcp.accept()
                        conn.setblocking(False)
                        sel.register(conn, selectors.EVENT_READ, bytearray())
                    except OSError:
                        pass
                elif not data:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
                else:
                    key.data.extend(data)
                    for message in frames(key.data):
                        self._forwarded(message)

    def _forwarded(self, data):
        if not data:
            return
        cid = header(data, b"Call-ID") or "?"
        kind = cid.split("-")[1] if cid.startswith("flood-") else "other"
        transport = "tcp" if b"SIP/2.0/TCP 127.0.0.1:9;" in data else "udp"
        self.forwarded.setdefault(f"{kind}/{transport}", set()).add(cid[:80])


def frames(buf):
    """Takes the complete messages off the front of a TCP stream's buffer, framed by their Content-Length."""
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return
        m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)", bytes(buf[:end]))
        total = end + 4 + (int(m.group(1)) if m else 0)
        if len(buf) < total:
            return
        message = bytes(buf[:total])
        del buf[:total]
        yield message


def sink_sockets():
    """A UDP and a TCP socket on one port: requests that came by TCP leave by TCP."""
    for _ in range(20):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((LOCAL, 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            tcp.bind((LOCAL, udp.getsockname()[1]))
            tcp.listen(64)
            return udp, tcp
        except OSError:
            udp.close()
            tcp.close()
    raise SystemExit("no free port for the sink on both UDP and TCP")


def run_calls(args, proxy_host, proxy_port, workdir, result):
    """SIPp calls through the proxy during the middle of the flood (start after 2 s, at most seconds - 6 s long)."""
    seconds = max(1, args.seconds - 6)
    calls = args.call_rate * seconds
    uas_port, uac_port = free_port(), free_port()
    timeout = f"{args.seconds + 40}s"
    time.sleep(2)
    uas = subprocess.Popen(["sipp", "-sf", os.path.join(SCENARIOS, "uas-answer.xml"), "-i", LOCAL, "-p",
                            str(uas_port), "-m", str(calls), "-nostdin", "-timeout", timeout, "-buff_size", "4194304"],
                           cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    stat = os.path.join(workdir, "flood-calls.csv")
    uac = subprocess.run(["sipp", f"{LOCAL}:{uas_port}", "-sf", os.path.join(SCENARIOS, "uac-basic.xml"),
                          "-i", LOCAL, "-p", str(uac_port), "-m", str(calls), "-r", str(args.call_rate),
                          "-l", str(max(args.call_rate * 4, 100)), "-rsa", f"{proxy_host}:{proxy_port}",
                          "-nostdin", "-timeout", timeout, "-timeout_error", "-trace_stat", "-stf", stat, "-fd", "1",
                          "-trace_rtt", "-rtt_freq", "1", "-buff_size", "4194304"],
                         cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         timeout=args.seconds + 90)
    try:
        uas.wait(timeout=15)
    except subprocess.TimeoutExpired:
        uas.kill()
    ok = failed = 0
    try:
        with open(stat) as f:
            rows = list(csv.reader(f, delimiter=";"))
        last = dict(zip(rows[0], rows[-1]))
        ok, failed = int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"])
    except (OSError, KeyError, IndexError, ValueError):
        pass
    rtts = []
    for name in os.listdir(workdir):
        if name.endswith("_rtt.csv"):
            with open(os.path.join(workdir, name)) as f:
                for row in csv.reader(f, delimiter=";"):
                    if len(row) >= 3 and row[2].strip() == "1":
                        try:
                            rtts.append(float(row[1]))
                        except ValueError:
                            pass
    result.update({"rate": args.call_rate, "placed": calls, "successful": ok, "failed": failed,
                   "not_completed": calls - ok, "sipp_exit": uac.returncode,
                   "p50_ms": percentile(rtts, 50), "p99_ms": percentile(rtts, 99),
                   "max_ms": max(rtts) if rtts else None})


def malformed_counters(text):
    """sipmq_sip_malformed_total series from a Prometheus scrape: {"reason/transport": count}."""
    out = {}
    for line in (text or "").splitlines():
        if line.startswith("sipmq_sip_malformed_total{"):
            labels, value = line[len("sipmq_sip_malformed_total{"):].rsplit("} ", 1)
            d = dict(p.split("=", 1) for p in labels.split(","))
            out[f"{d.get('reason', '?').strip(chr(34))}/{d.get('transport', '?').strip(chr(34))}"] = float(value)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flood", action="store_true", help="(the bench/run.sh switch that picks this script)")
    ap.add_argument("--peer", default="sipmq", choices=sorted(PEERS) + ["both"],
                    help="the peer to start and flood; both: sipmq, then Kamailio, in one sitting")
    ap.add_argument("--target", metavar="HOST:PORT", help="flood an already-running peer instead (UDP and TCP)")
    ap.add_argument("--seconds", type=int, default=30, help="length of the flood")
    ap.add_argument("--sample-config", choices=tuple(SAMPLE_CONFIGS), default="equivalent",
                    help="the sample proxy's template: equivalent (the work of Kamailio's script, the default) or "
                         "full (bench.cfg: CDRs into H2, with the sample's own limits)")
    ap.add_argument("--udp-rate", type=int, default=2000, help="malformed datagrams per second")
    ap.add_argument("--tcp-rate", type=int, default=1000, help="malformed TCP messages per second")
    ap.add_argument("--tcp-connections", type=int, default=8, help="TCP connections used at once")
    ap.add_argument("--probe-every", type=int, default=100, help="flood datagrams per OPTIONS probe: probes go at --udp-rate / this, per second")
    ap.add_argument("--warmup-seconds", type=int, default=15,
                    help="an unmeasured flood of the same traffic first, without calls (JIT warm-up; 0: none)")
    ap.add_argument("--probe-timeout", type=float, default=5.0, help="seconds a probe may wait for its answer")
    ap.add_argument("--call-rate", type=int, default=50, help="SIPp calls per second during the flood (0: none)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--jvm", default="-Xms512m -Xmx512m", help="proxy JVM options")
    ap.add_argument("--config", action="append", default=[], metavar="LINE",
                    help="a line added to the proxy's bench.cfg (repeatable)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="sipmq-flood-")
    names = ["sipmq", "kamailio"] if args.peer == "both" and not args.target else [args.peer]
    summaries = {}
    for name in names:
        peer = None
        if args.target:
            host, port = args.target.rsplit(":", 1)
            port = int(port)
        else:
            peer = PEERS[name](tempfile.mkdtemp(prefix=f"peer-{name}-", dir=workdir), args)
            host, port = LOCAL, peer.port
        try:
            if args.warmup_seconds > 0:
                # the same traffic, not measured: the JVM compiles its hot paths in the first seconds (Kamailio gets
                # the same, for symmetry)
                warm = argparse.Namespace(**dict(vars(args), seconds=args.warmup_seconds, call_rate=0))
                w = flood(warm, host, port, peer, workdir)
                print(f"# warm-up flood {args.warmup_seconds} s: {w['probes']['answered']}/{w['probes']['sent']} "
                      f"probes answered, p99 {w['probes']['p99_ms']} ms", flush=True)
            summary = flood(args, host, port, peer, workdir)
        finally:
            if peer:
                peer.stop()
        summary["peer"] = args.target or name
        if peer and getattr(peer, "log_path", None):
            summary["peer_log"] = log_summary(peer.log_path)
        summaries[name] = summary
        print(markdown(summary), flush=True)
    result = summaries[names[0]] if len(names) == 1 else summaries
    with open(os.path.join(args.out, "flood.json"), "w") as f:
        json.dump(result, f, indent=2)
    with open(os.path.join(args.out, "flood.md"), "w") as f:
        f.write("\n".join(markdown(summaries[n]) for n in names))


def run_prober(host, port, rate, seconds, timeout_s, out):
    """In a process of its own: OPTIONS probes at rate/s for seconds, each timed from its send to its answer; then
    waits up to timeout_s for the last answers and sends {"sent": n, "answers": {call-id: (ms, code)}} to out."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((LOCAL, 0))
    target, own = f"{host}:{port}", sock.getsockname()[1]
    sent, answers = {}, {}
    start = time.monotonic()
    n = 0
    end = start + seconds
    while True:
        now = time.monotonic()
        if now < end and now >= start + n / rate:
            cid = f"probe-{n}@flood"
            sent[cid] = time.monotonic()
            sock.sendto(probe(target, own, n), (host, port))
            n += 1
            continue
        if now >= end and (len(answers) >= len(sent) or now >= end + timeout_s):
            break
        wait = (start + n / rate - now) if now < end else (end + timeout_s - now)
        ready, _, _ = select.select([sock], [], [], max(0.0, wait))
        if ready:
            data = sock.recv(65536)
            got = time.monotonic()
            cid = header(data, b"Call-ID") or header(data, b"i")
            if cid in sent and cid not in answers and data.startswith(b"SIP/2.0 "):
                answers[cid] = ((got - sent[cid]) * 1000.0, data[8:11].decode())
    # latency by second of the flood: the worst probe sent in each second, None when one of them went unanswered
    by_second = {}
    for cid, t in sent.items():
        sec = int(t - start)
        ms = answers[cid][0] if cid in answers else None
        prev = by_second.get(sec, 0.0)
        by_second[sec] = None if prev is None or ms is None else max(prev, round(ms, 1))
    out.send({"sent": len(sent), "answers": answers, "worst_by_second": [by_second[k] for k in sorted(by_second)]})
    out.close()


def flood(args, host, port, peer, workdir):
    f = Flood(args, host, port)
    probes_in, probes_out = multiprocessing.Pipe(duplex=False)
    prober = multiprocessing.Process(target=run_prober, daemon=True, args=(
        host, port, args.udp_rate / args.probe_every, args.seconds, args.probe_timeout, probes_out))
    calls = {}
    threads = [threading.Thread(target=f.run_receiver, daemon=True)]
    senders = [threading.Thread(target=f.run_udp, daemon=True), threading.Thread(target=f.run_tcp, daemon=True)]
    if args.call_rate > 0:
        senders.append(threading.Thread(target=run_calls, args=(args, host, port, workdir, calls), daemon=True))
    load0, drops0, cpu0 = os.getloadavg(), udp_rcvbuf_errors(), peer.cpu_ms() if hasattr(peer, "cpu_ms") else None
    started = time.time()
    m0 = malformed_counters(peer.metrics()) if hasattr(peer, "metrics") else None
    prober.start()
    for t in threads + senders:
        t.start()
    for t in senders:
        t.join(args.seconds + 120)
    probed = probes_in.recv() if probes_in.poll(args.probe_timeout + 30) else {"sent": 0, "answers": {}}
    prober.join(5)
    f.stop.set()
    threads[0].join(5)
    latencies = [ms for ms, _ in probed["answers"].values() if ms <= args.probe_timeout * 1000]
    codes = {}
    for _, code in probed["answers"].values():
        codes[code] = codes.get(code, 0) + 1
    sent = probed["sent"]
    udp_total, tcp_total = sum(f.udp_sent.values()), sum(f.tcp_sent.values())
    return {
        "command": " ".join(sys.argv),
        "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(started)),
        "machine": {"nproc": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load0],
                    "loadavg_at_end": [round(x, 2) for x in os.getloadavg()]},
        "peer": args.target or args.peer,
        "seconds": args.seconds,
        "udp": {"rate_asked": args.udp_rate, "sent": udp_total, "send_errors": f.udp_errors,
                "rate_achieved": round(udp_total / max(f.udp_elapsed, 1e-9), 1), "by_kind": f.udp_sent,
                "responses_by_code": f.responses["udp"], "kernel_rcvbuf_drops": udp_rcvbuf_errors() - drops0},
        "tcp": dict(f.tcp, rate_asked=args.tcp_rate, sent=tcp_total, connections=args.tcp_connections,
                    rate_achieved=round(tcp_total / max(f.tcp_elapsed, 1e-9), 1), by_kind=f.tcp_sent,
                    responses_by_code=f.responses["tcp"]),
        "probes": {"sent": sent, "answered": len(latencies), "unanswered": sent - len(latencies), "codes": codes,
                   "p50_ms": percentile(latencies, 50), "p90_ms": percentile(latencies, 90),
                   "p99_ms": percentile(latencies, 99), "max_ms": round(max(latencies), 2) if latencies else None,
                   "worst_ms_by_second": probed.get("worst_by_second")},
        "calls": calls,
        "forwarded_malformed": {k: len(v) for k, v in sorted(f.forwarded.items())},
        "peer_cpu_ms": round(peer.cpu_ms() - cpu0, 1) if cpu0 is not None else None,
        "malformed_counters": ({k: v - (m0 or {}).get(k, 0) for k, v in malformed_counters(peer.metrics()).items()}
                               if hasattr(peer, "metrics") else None),
    }


def log_summary(path):
    """Lines of the peer's log by level, and the stack-trace lines ('\tat ...'), from the flood."""
    out = {"lines": 0, "ERROR": 0, "WARN": 0, "stack_trace_lines": 0}
    with open(path, errors="replace") as f:
        for line in f:
            out["lines"] += 1
            if line.startswith("\tat ") or line.startswith("Caused by"):
                out["stack_trace_lines"] += 1
            for level in ("ERROR", "WARN"):
                if f" {level} " in line[:80]:
                    out[level] += 1
    return out


def markdown(s):
    p, c, u, t = s["probes"], s["calls"], s["udp"], s["tcp"]
    fmt = lambda v: "-" if v is None else str(v)  # noqa: E731
    lines = [
        f"Flood of {s['peer']} for {s['seconds']} s (started {s['started_utc']} UTC; {s['machine']['nproc']} cores, "
        f"load average {s['machine']['loadavg_before']} before, {s['machine']['loadavg_at_end']} at the end)",
        "",
        "| traffic | asked /s | achieved /s | sent | responses by code |",
        "|---|---:|---:|---:|---|",
        f"| malformed UDP | {u['rate_asked']} | {u['rate_achieved']} | {u['sent']} | {u['responses_by_code']} |",
        f"| malformed TCP ({t['connections']} connections, {t['connects']} connects) | {t['rate_asked']} | "
        f"{t['rate_achieved']} | {t['sent']} | {t['responses_by_code']} |",
        "",
        "| probes sent | answered | unanswered | codes | p50 ms | p90 ms | p99 ms | max ms |",
        "|---:|---:|---:|---|---:|---:|---:|---:|",
        f"| {p['sent']} | {p['answered']} | {p['unanswered']} | {p['codes']} | {fmt(p['p50_ms'])} | {fmt(p['p90_ms'])} "
        f"| {fmt(p['p99_ms'])} | {fmt(p['max_ms'])} |",
        "",
    ]
    if c:
        lines += ["| SIPp calls/s | placed | successful | failed | call p50 ms | call p99 ms |",
                  "|---:|---:|---:|---:|---:|---:|",
                  f"| {c['rate']} | {c['placed']} | {c['successful']} | {c['failed']} | {fmt(c['p50_ms'])} | "
                  f"{fmt(c['p99_ms'])} |", ""]
    lines.append(f"Malformed requests forwarded to the sink (distinct Call-IDs, by kind/transport): "
                 f"{s['forwarded_malformed'] or 'none'}. "
                 f"UDP datagrams dropped by the kernel (receive buffers full): {u['kernel_rcvbuf_drops']}. "
                 f"TCP: {t['closed_by_peer']} connections closed by the peer, {t['connect_errors']} connect errors, "
                 f"{t['skipped_backlog']} messages not sent because the peer did not read.")
    if s.get("malformed_counters") is not None:
        lines.append(f"Peer's malformed counters: {s['malformed_counters'] or 'none'}.")
    if s.get("peer_log"):
        lines.append(f"Peer's log: {s['peer_log']}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
