#!/usr/bin/env python3
"""Writes N random 128-bit instruction words (a binary program image) for the
round-trip test: most are field-form instructions with random field values
(every opcode, every bit pattern of every field), some have reserved bits set,
an illegal opcode, or VECTOR op 3, which only a raw `systolic.isa.word` holds.

Usage: random_words.py N SEED > words.bin
"""
import random
import sys

# (lsb, width) of each field, per opcode (sim/isa/Isa.cpp fieldsOf).
DMA = [(8, 1), (9, 16), (25, 32), (57, 3), (60, 3), (64, 9), (73, 8), (81, 8),
       (89, 12), (101, 16), (117, 3), (120, 3)]
FIELDS = {
    0: DMA, 1: DMA,
    2: [(8, 1), (9, 1), (10, 16), (26, 16), (42, 16), (64, 12), (76, 12), (88, 8)],
    3: [(8, 2), (10, 16), (26, 16), (42, 16), (64, 12), (76, 8), (84, 8)],
    4: [(8, 2), (10, 1), (11, 16), (27, 16), (43, 16), (64, 12), (76, 5)],
    5: [(8, 16)],
}


def mask(opcode):
    m = 0xff  # opcode and token flags
    for lsb, width in FIELDS[opcode]:
        m |= ((1 << width) - 1) << lsb
    return m


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    out = bytearray()
    for i in range(n):
        word = rng.getrandbits(128)
        kind = rng.random()
        if kind < 0.02:
            word = (word & ~0xf) | rng.randrange(6, 16)         # illegal opcode
        else:
            opcode = rng.randrange(6)
            word = (word & ~0xf) | opcode
            if kind > 0.1:
                word &= mask(opcode)                             # no reserved bits
            if opcode == 4 and rng.random() < 0.2:
                word |= 3 << 8                                   # VECTOR op 3
        # Extreme values: all ones / zeros in the fields now and then.
        if rng.random() < 0.05:
            word |= mask(word & 0xf) if (word & 0xf) < 6 else 0
        out += word.to_bytes(16, "little")
    sys.stdout.buffer.write(bytes(out))


if __name__ == "__main__":
    main()
