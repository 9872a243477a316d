"""Times `scripts/run.sh --no-build` from launch to every service healthy, measures the composition's memory, then its stop.

Usage: platform_start.py STATE_DIR ROUNDS
Each round starts the platform on STATE_DIR (the first round of a fresh directory includes initdb), polls the six
services' /health every 0.2 s until all answer 200, reads RSS and PSS of every process the AppHost started
(/proc/PID/smaps_rollup) and the physical pages the AppHost, DCP and the dashboard occupy together (ownResidentMb, from
/proc/PID/pagemap, root only), sends SIGTERM and waits for every process of the group to be gone. One JSON line per round.
"""
import array
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICES = {"ingestion": 5101, "validation": 5102, "training": 5103, "registry": 5104, "serving": 5105, "monitoring": 5106}


def healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def marked(marker):
    """Every process whose environment carries this run's marker: the AppHost, DCP, the dashboard, the servers and the
    services all inherit the AppHost's environment."""
    out = []
    needle = marker.encode()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/environ", "rb") as f:
                if needle in f.read():
                    out.append(int(p))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return out


def memory(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            vals = {l.split(":")[0]: int(l.split()[1]) for l in f if l.split(":")[0] in ("Rss", "Pss")}
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        return cmd, vals.get("Rss", 0) / 1024, vals.get("Pss", 0) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None


def resident_pages(pid):
    """The physical pages a process has resident (page frame numbers from /proc/PID/pagemap; needs root). A page two
    processes share (the same binary's code) is one frame, so the union over a group of processes is what the group
    occupies in memory: RSS summed counts a shared page once per process, PSS divides it among every process that maps
    it, inside the group or not."""
    frames = set()
    try:
        with open(f"/proc/{pid}/smaps") as smaps, open(f"/proc/{pid}/pagemap", "rb") as pagemap:
            start = end = 0
            for line in smaps:
                head = line.split(maxsplit=1)[0]
                if "-" in head and not head.endswith(":"):
                    start, end = (int(x, 16) for x in head.split("-"))
                elif head == "Rss:" and int(line.split()[1]) > 0:
                    pagemap.seek(start // PAGE * 8)
                    entries = array.array("Q", pagemap.read((end - start) // PAGE * 8))
                    frames.update(e & PFN_MASK for e in entries if e & PRESENT)
    except (FileNotFoundError, ProcessLookupError, PermissionError, OSError):
        pass
    frames.discard(0)  # without CAP_SYS_ADMIN every frame number reads as 0
    return frames


PAGE = os.sysconf("SC_PAGE_SIZE")
PRESENT = 1 << 63
PFN_MASK = (1 << 55) - 1


def kind(cmd):
    if "AppHost.dll" in cmd:
        return "apphost"
    if "Aspire.Dashboard" in cmd:
        return "dashboard"
    if "/dcp" in cmd or cmd.startswith("dcp"):
        return "dcp"
    for name in SERVICES:
        if f"{name.capitalize()}.dll" in cmd or f"/{name.capitalize()}/" in cmd:
            return "services"
    if "beam.smp" in cmd or "erl_child_setup" in cmd or "epmd" in cmd or "inet_gethost" in cmd:
        return "rabbitmq"
    if "postgres" in cmd:
        return "postgresql"
    return "other"


def round_(state_dir):
    marker = f"MLOPS_BENCH_RUN={uuid.uuid4().hex}"
    env = dict(os.environ)
    env["MLOPS_BENCH_RUN"] = marker.split("=", 1)[1]
    start = time.monotonic()
    proc = subprocess.Popen([os.path.join(ROOT, "scripts", "run.sh"), "--no-build", "--AppHost:StateDir", state_dir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    first = {}
    while len(first) < len(SERVICES):
        if proc.poll() is not None:
            raise SystemExit(f"the AppHost exited with {proc.returncode} before every service was healthy")
        if time.monotonic() - start > 180:
            raise SystemExit(f"not healthy after 180 s: {sorted(set(SERVICES) - set(first))}")
        for name, port in SERVICES.items():
            if name not in first and healthy(port):
                first[name] = round(time.monotonic() - start, 2)
        time.sleep(0.2)
    healthy_s = round(time.monotonic() - start, 2)
    time.sleep(5)  # settle: the dashboard and watchers finish starting
    totals = {}
    own_frames = set()
    pids = marked(marker)
    for pid in pids:
        m = memory(pid)
        if m:
            k = kind(m[0])
            if k in ("apphost", "dcp", "dashboard"):
                own_frames |= resident_pages(pid)
            rss, pss = totals.get(k, (0, 0))
            totals[k] = (rss + m[1], pss + m[2])
    stop_at = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait()
    while [p for p in marked(marker) if not zombie(p)]:
        if time.monotonic() - stop_at > 60:
            break
        time.sleep(0.1)
    own = [k for k in ("apphost", "dcp", "dashboard")]
    return {
        "allHealthySeconds": healthy_s,
        "healthySeconds": first,
        "stopSeconds": round(time.monotonic() - stop_at, 2),
        "processes": len(pids),
        "memoryMb": {k: {"rss": round(v[0]), "pss": round(v[1])} for k, v in sorted(totals.items())},
        "ownRssMb": round(sum(totals.get(k, (0, 0))[0] for k in own)),
        "ownPssMb": round(sum(totals.get(k, (0, 0))[1] for k in own)),
        "ownResidentMb": round(len(own_frames) * PAGE / 2**20),
    }


def main():
    state_dir, rounds = sys.argv[1], int(sys.argv[2])
    for i in range(rounds):
        r = round_(state_dir)
        r["round"] = i + 1
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
