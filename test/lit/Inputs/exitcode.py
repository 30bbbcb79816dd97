"""Run a command; print its stderr, then its stdout, then `exit=<code>` (all on stdout),
so a lit test can FileCheck a compiler's diagnostics together with its exact exit code."""
import subprocess
import sys

proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(proc.stderr)
sys.stdout.write(proc.stdout)
sys.stdout.write(f"exit={proc.returncode}\n")
