#!/usr/bin/env python3
"""A netem-like bridge between two interfaces, for kernels without sch_netem.

    bottleneck.py A B [--rate BITS] [--delay S] [--loss P] [--limit N] [--seed N]

Frames arriving on A go out on B after a serialisation at --rate (bit/s),
a drop-tail queue of --limit frames, --delay seconds and random loss with
probability --loss (seeded). Frames arriving on B go out on A after --delay
only (the ACK path). Runs until killed.
"""
import argparse
import heapq
import random
import select
import socket
import time

ETH_P_ALL = 3
PACKET_OUTGOING = 4


def open_raw(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rate", type=float, default=20e6)
    ap.add_argument("--delay", type=float, default=0.010)
    ap.add_argument("--loss", type=float, default=0.005)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    sa, sb = open_raw(args.a), open_raw(args.b)
    # (release time, sequence, socket, frame): the sequence keeps FIFO order.
    pending = []
    seq = 0
    # When the bottleneck link finishes sending its last queued frame, and
    # the departure times of the frames still queued (for the limit).
    link_free = 0.0
    queued = []
    while True:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, out, frame = heapq.heappop(pending)
            try:
                out.send(frame)
            except OSError:
                pass
        timeout = max(0.0, pending[0][0] - now) if pending else 0.05
        ready, _, _ = select.select([sa, sb], [], [], timeout)
        now = time.monotonic()
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                seq += 1
                if s is sb:
                    heapq.heappush(pending, (now + args.delay, seq, sa, frame))
                    continue
                while queued and queued[0] <= now:
                    queued.pop(0)
                if len(queued) >= args.limit:
                    continue  # drop-tail
                if rng.random() < args.loss:
                    continue
                link_free = max(link_free, now) + len(frame) * 8 / args.rate
                queued.append(link_free)
                heapq.heappush(pending, (link_free + args.delay, seq, sb, frame))


if __name__ == "__main__":
    main()
