# Writes IN's bytes as a C++ char array named VAR into OUT.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\nextern const char ${VAR}[];\nconst char ${VAR}[] = {${body}0x00};\n")
