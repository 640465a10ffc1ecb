#!/usr/bin/env bash
# Remakes fixtures/collect/<preset>.tar.gz: boots an oracle preset (../shared/oracle, copied to a
# temp folder outside the repo) whose init also runs core/collect/collect.sh after its own
# captures and prints the bundle base64 between @@@ORACLE-BEGIN bundle@@@ markers; the bundle is
# cut out of the console log. Needs what boot-capture.sh needs (root, QEMU 10, busybox-static).
#
#   scripts/collect-oracle-bundle.sh [PRESET] [boot-capture.sh options, e.g. --kernel 6.1.0-57-amd64]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
preset=${1:-q35-ir-4cpu}; shift || true
tmp=$(mktemp -d /tmp/irqlab-collect-oracle.XXXXXX)
cp -a "$HERE/../shared/oracle" "$tmp/oracle"
cp "$HERE/core/collect/collect.sh" "$tmp/oracle/collect.sh"
python3 - "$tmp/oracle" <<'PY'
import sys
d = sys.argv[1]
s = open(f'{d}/init').read()
s = s.replace('begin dmesg; dmesg; end dmesg\n', '''begin dmesg; dmesg; end dmesg

# irqlab collect, as a user runs it: the bundle, base64 between markers.
log "collect: $(sh /collect.sh -o /tmp/machine-bundle.tar.gz 2>&1)"
begin bundle; base64 /tmp/machine-bundle.tar.gz; end bundle
''')
open(f'{d}/init', 'w').write(s)
s = open(f'{d}/boot-capture.sh').read()
s = s.replace('cp "$HERE/init" "$R/init"; chmod 755 "$R/init"',
              'cp "$HERE/init" "$R/init"; chmod 755 "$R/init"; cp "$HERE/collect.sh" "$R/collect.sh"')
open(f'{d}/boot-capture.sh', 'w').write(s)
PY
# Its own work folder: the initramfs differs from the oracle's (collect.sh in it).
ORACLE_WORK=${ORACLE_WORK:-$tmp/work} "$tmp/oracle/boot-capture.sh" --out "$tmp/out" "$@" "$preset"
mkdir -p "$HERE/fixtures/collect"
awk '/@@@ORACLE-BEGIN bundle@@@/{f=1;next} /@@@ORACLE-END bundle@@@/{f=0} f' "$tmp/out/$preset/capture.txt" |
	tr -d '\r' | base64 -d > "$HERE/fixtures/collect/$preset.tar.gz"
echo "wrote fixtures/collect/$preset.tar.gz (work files in $tmp)" >&2
