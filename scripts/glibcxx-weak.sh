#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so load on a libstdc++ older than GCC 13's (Debian 12 has GLIBCXX_3.4.30).
#
# libLibTorchSharp.so 0.107.0 records a need for GLIBCXX_3.4.32 for one symbol, _ZSt21ios_base_library_initv,
# which GCC 13's <iostream> declares and the library never calls. The dynamic loader refuses a library whose
# version needs the system cannot meet, unless the need is marked weak (VER_FLG_WEAK = 0x2 in the vna_flags
# of its Vernaux entry in .gnu.version_r). This script sets that one flag byte, so every other version need
# is still checked by the loader as before.
#
#   scripts/glibcxx-weak.sh LIBRARY [LIBSTDCXX]
#
# Idempotent and applied only when needed: it changes nothing when LIBSTDCXX (default: the system's
# libstdc++.so.6) already provides GLIBCXX_3.4.32 (Ubuntu 24.04, Debian 13), when LIBRARY has no such need,
# or when the need is already weak. Prints one line saying which it was.
set -euo pipefail

library=${1:?usage: glibcxx-weak.sh LIBRARY [LIBSTDCXX]}
version=GLIBCXX_3.4.32
libstdcxx=${2:-}
if [ -z "$libstdcxx" ]; then
  libstdcxx=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  [ -n "$libstdcxx" ] || libstdcxx=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
fi

if grep -qaF "$version" "$libstdcxx" 2>/dev/null; then
  echo "glibcxx-weak: $libstdcxx provides $version; $library left as it is"
  exit 0
fi

# readelf -V: the section header line gives the file offset of .gnu.version_r, each Vernaux line its
# offset inside the section ("  0x0140:   Name: GLIBCXX_3.4.32  Flags: none  Version: 18").
versions=$(readelf -V --wide "$library")
section=$(awk '/^Version needs section/ {getline; for (i = 1; i <= NF; i++) if ($i == "Offset:") print $(i + 1); exit}' <<<"$versions")
entry=$(awk -v v="$version" '$2 == "Name:" && $3 == v {sub(":", "", $1); print $1 " " $5; exit}' <<<"$versions")
if [ -z "$section" ] || [ -z "$entry" ]; then
  echo "glibcxx-weak: $library needs no $version; left as it is"
  exit 0
fi
read -r offset flags <<<"$entry"
if [ "$flags" = "WEAK" ]; then
  echo "glibcxx-weak: $library already marks $version weak"
  exit 0
fi
[ "$flags" = "none" ] || { echo "glibcxx-weak: $library: unexpected flags '$flags' on $version" >&2; exit 1; }

# Elf64_Vernaux: u32 vna_hash, u16 vna_flags, u16 vna_other, ...: the flags' low byte is 4 bytes in.
position=$(( section + offset + 4 ))
printf '\x02' | dd of="$library" bs=1 seek="$position" conv=notrunc status=none
echo "glibcxx-weak: marked $version weak in $library ($libstdcxx lacks it)"
