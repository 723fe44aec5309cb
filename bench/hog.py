"""bench/hog.py MODE NICE — an experiment's background load (bench/drive.py, DAFTAR_BENCH_AB): one process in a
session of its own (its own autogroup), in the idle scheduling class, its autogroup at NICE, running MODE:
scrypt (N=2^17, r=8, p=1: what a login hashes, 128 MiB) or spin (a pure-CPU loop) until killed."""
import hashlib
import os
import sys

mode, nice = sys.argv[1], int(sys.argv[2])
os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
with open("/proc/self/autogroup", "w") as f:
    f.write(str(nice))
n = 0
while True:
    if mode == "scrypt":
        hashlib.scrypt(b"password", salt=b"salt", n=1 << 17, r=8, p=1, maxmem=1 << 28)
    else:
        for i in range(1000000):
            n += i
