# k is larger than the array's 4 rows.
load mem=sp row=0 dram=0x0 bytes=4 x=1 y=4 ystride=4 push_next
matmul df=ws a=0 b=0 c=0 m=4 k=5 n=4 pop_prev
