# Turns a data file into a C++ source: `extern const char <NAME>[]` (NUL-terminated) and
# `<NAME>_size`. Run as `cmake -DIN=file -DOUT=file.cc -DNAME=symbol -P scripts/embed.cmake`.
# A byte array, not a string literal: -Wpedantic refuses literals over 64 KiB.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by scripts/embed.cmake: do not edit.\n#include <cstddef>\nnamespace eurus {\nextern const unsigned char ${NAME}[];\nextern const size_t ${NAME}_size;\nconst unsigned char ${NAME}[] = {\n${bytes}0x00};\nconst size_t ${NAME}_size = sizeof(${NAME}) - 1;\n}  // namespace eurus\n")
file(RENAME "${OUT}.tmp" "${OUT}")
