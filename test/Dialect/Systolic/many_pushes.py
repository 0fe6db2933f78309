#!/usr/bin/env python3
"""Writes a systolic.program whose loads push N load->compute tokens that
nothing pops (used by isa-token-overflow.test)."""
import sys

n = int(sys.argv[1])
print("systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 "
      "acc_rows = 64 acc_banks = 1 queue_depth = 4 {")
for _ in range(n):
    print("  systolic.isa.load sp bytes = 4 x = 1 y = 1 push_next")
print("}")
