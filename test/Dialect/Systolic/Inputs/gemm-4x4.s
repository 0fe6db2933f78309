# A 4x4 GEMM with bias, requantization and ReLU, double-checked by the
# golden model in test/sim/programs/relu-gemm.s; plus every opcode and the
# field extremes, so the round trip covers the whole encoding.
load mem=acc row=0 dram=0x80 bytes=16 x=1 y=3 ystride=16
load mem=sp row=0 dram=0x0 bytes=4 x=1 y=4 ystride=4
load mem=sp row=4 dram=0x40 bytes=4 x=1 y=4 ystride=4 push_next   ; weights
matmul df=ws a=0 b=4 c=3 m=4 k=4 n=4 pop_prev
output act=relu src=3 dst=8 param=0 rows=4 zp=0 push_prev push_next
store mem=sp row=8 dram=0x100 bytes=4 x=1 y=4 ystride=4 pop_prev push_prev

# Field extremes (in range for a 4x4 array with the default memories).
load mem=sp row=100 dram=0x3e00000 bytes=4 x=255 y=1 xstride=4095 ystride=65535 pad_top=7 pad_bottom=0 pad_left=7 pad_right=7 pop_next push_next
matmul df=os acc=1 a=8191 b=0 c=7 m=4 k=1 n=4 pop_prev pop_next
output act=lut src=0 dst=8191 param=2045 rows=1 zp=-128 max=127
output act=relu6 src=0 dst=16 param=2045 rows=4 zp=127 max=-128
vector op=mul mem=acc a=0 b=0 dst=0 rows=2048 shift=31
vector op=max mem=sp a=300 b=400 dst=500 rows=100
lutload row=8128
