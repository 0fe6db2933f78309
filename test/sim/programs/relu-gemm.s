# 4x4 GEMM with bias, requantization and ReLU: out = relu(A x B + bias).
# DRAM: A (4x4 int8) at 0x0, B (4x4 int8) at 0x40, params (bias, mult, shift; 4 int32 each) at 0x80.
load mem=acc row=0 dram=0x80 bytes=16 x=1 y=3 ystride=16
load mem=sp row=0 dram=0x0 bytes=4 x=1 y=4 ystride=4
load mem=sp row=4 dram=0x40 bytes=4 x=1 y=4 ystride=4 push_next
matmul df=ws a=0 b=4 c=3 m=4 k=4 n=4 pop_prev
output act=relu src=3 dst=8 param=0 rows=4 zp=0 push_next
store mem=sp row=8 dram=0x100 bytes=4 x=1 y=4 ystride=4 pop_prev
