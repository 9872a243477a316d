"""Runs one benchmark process and adds its wall time and peak RSS to the JSON line it prints.
Usage: run_process.py LABEL SET -- COMMAND...   (prints one JSON line)"""
import json
import resource
import subprocess
import sys
import time

label, dataset = sys.argv[1], sys.argv[2]
command = sys.argv[sys.argv.index("--") + 1:]
start = time.perf_counter()
done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
if done.returncode != 0:
    sys.stderr.write(done.stderr)
    sys.exit(f"{label} on {dataset} failed ({done.returncode})")
line = [l for l in done.stdout.splitlines() if l.strip().startswith("{")][-1]
result = json.loads(line)
# ru_maxrss of the (only) child: its peak resident set, in kB on Linux.
result.update(engine=label, set=dataset, wallSeconds=wall, peakRssMb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6)  # ru_maxrss is KiB; MB here are 10^6 bytes, as the matrix size
print(json.dumps(result))
