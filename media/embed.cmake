# cmake -DIN=file -DOUT=file.c -P embed.cmake: writes IN as the byte array
# media_kfwd_bpf_obj (kfwd_int.h), without xxd or bpftool.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR n "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# 16 bytes a line (CMake's regular expressions have no {n})
string(REPEAT "0x..," 16 line)
string(REGEX REPLACE "(${line})" "\\1\n\t" bytes "${bytes}")
file(WRITE ${OUT}.tmp
"/* generated from kfwd.bpf.o by embed.cmake: do not edit */
#include <stddef.h>

#include \"media/kfwd_int.h\"

const unsigned char media_kfwd_bpf_obj[] __attribute__((aligned(8))) = {
\t${bytes}
};
const size_t media_kfwd_bpf_obj_len = ${n};
")
file(RENAME ${OUT}.tmp ${OUT})
