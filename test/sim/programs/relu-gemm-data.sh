#!/bin/sh
# Writes the DRAM images for relu-gemm.s into the current directory:
# A = B = diag(1, 2, -3, 4), bias 0, multiplier 1, shift 0,
# so the expected output is diag(1, 4, 9, 16).
set -e
printf '\001\000\000\000\000\002\000\000\000\000\375\000\000\000\000\004' > a.bin
cp a.bin b.bin
head -c 16 /dev/zero > zeros.bin
printf '\001\000\000\000\001\000\000\000\001\000\000\000\001\000\000\000' > ones.bin
cat zeros.bin ones.bin zeros.bin > params.bin
