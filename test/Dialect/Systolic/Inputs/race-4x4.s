load mem=sp row=0 dram=0x0 bytes=4 x=1 y=4 ystride=4
matmul df=ws a=0 b=0 c=0 m=4 k=4 n=4
