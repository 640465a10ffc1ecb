#!/bin/sh
# irqlab collect: gathers, on the machine itself, everything irqlab reads about its interrupts
# and packs it into one bundle for `irqlab import`. POSIX sh + coreutils or busybox only (a box
# in bring-up often has no Node); run it as root, else it says in MANIFEST what it could not
# read and why.
#
#   sh collect.sh [-o machine-bundle.tar.gz] [--keep-personal]
#
# Personal data (MAC addresses, serial numbers, the host name) is replaced by a marker unless
# --keep-personal is given; MANIFEST counts what was removed, per kind.
out=machine-bundle.tar.gz
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	-o) [ $# -ge 2 ] || { echo "collect: -o needs a file" >&2; exit 2; }; out=$2; shift 2 ;;
	--keep-personal) keep=1; shift ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "collect: unknown argument $1 (collect.sh [-o FILE] [--keep-personal])" >&2; exit 2 ;;
	esac
done
export LC_ALL=C

uid=$(id -u 2>/dev/null || echo '?')
notroot=""
[ "$uid" = 0 ] || notroot=" (not root: uid $uid)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/irqlab-collect.XXXXXX") || { echo "collect: mktemp failed" >&2; exit 1; }
trap 'rm -rf "$tmp"' EXIT INT TERM
B=$tmp/machine-bundle
mkdir -p "$B/acpi" || exit 1
M=$tmp/manifest

# ok FILE HOW / missing FILE WHY: one MANIFEST line per item.
ok() { printf 'ok\t%s\t%s\n' "$1" "$2" >> "$M"; }
missing() { printf 'missing\t%s\t%s\n' "$1" "$2" >> "$M"; }
have() { command -v "$1" >/dev/null 2>&1; }
# The first line of a command's error output, for a "missing (why)".
why() { head -n 1 "$tmp/err" 2>/dev/null | tr '\t' ' '; }

# Copies a readable file; says why not.
grab() { # SRC DEST
	if [ ! -e "$1" ]; then missing "$2" "$1 does not exist"; return 1; fi
	if cat "$1" > "$B/$2" 2>"$tmp/err"; then ok "$2" "cat $1"; return 0; fi
	rm -f "$B/$2"; missing "$2" "cat $1: $(why)$notroot"; return 1
}

# ---- the kernel -------------------------------------------------------------
uname -a > "$B/uname.txt" 2>/dev/null && ok uname.txt 'uname -a' || missing uname.txt 'uname failed'
grab /proc/cmdline cmdline.txt

# The kernel log of this boot. The ring buffer may have wrapped (its first line is then not the
# boot's start, whose timestamp is 0.000000 or which says "Linux version"): the journal keeps
# the whole boot.
log_ok=0
if have dmesg && dmesg > "$B/dmesg.txt" 2>"$tmp/err" && [ -s "$B/dmesg.txt" ]; then
	first=$(head -n 1 "$B/dmesg.txt")
	case "$first" in
	*'Linux version'*|*'[    0.000000]'*) ok dmesg.txt 'dmesg'; log_ok=1 ;;
	*)
		if have journalctl && journalctl -k -b 0 -o short-monotonic --no-pager > "$tmp/journal" 2>"$tmp/err" &&
			grep -q 'Linux version' "$tmp/journal"; then
			mv "$tmp/journal" "$B/dmesg.txt"
			ok dmesg.txt 'journalctl -k -b 0 -o short-monotonic (the dmesg ring buffer had wrapped: its first line is not the boot start)'
		else
			ok dmesg.txt "dmesg (the ring buffer has wrapped: its first line is not the boot start, and the journal has not this boot's start either)"
		fi
		log_ok=1 ;;
	esac
else
	reason="dmesg: $(why)$notroot"
	rm -f "$B/dmesg.txt"
	if have journalctl && journalctl -k -b 0 -o short-monotonic --no-pager > "$B/dmesg.txt" 2>"$tmp/err" && [ -s "$B/dmesg.txt" ]; then
		ok dmesg.txt "journalctl -k -b 0 -o short-monotonic ($reason)"; log_ok=1
	else
		rm -f "$B/dmesg.txt"; missing dmesg.txt "$reason; journalctl -k -b 0: $(why)"
	fi
fi

# ---- interrupts -------------------------------------------------------------
grab /proc/interrupts interrupts.txt

# Per irq: the sysfs attributes (4.17+) and /proc/irq/N; tab-separated, a row an irq.
rd() { [ -r "$1" ] && tr '\t\n' '  ' < "$1" 2>/dev/null | sed 's/ *$//'; }
if [ -d /sys/kernel/irq ] || [ -d /proc/irq ]; then
	{
		printf 'irq\tchip_name\thwirq\ttype\tname\tactions\twakeup\teffective_affinity_list\tsmp_affinity_list\taffinity_hint\tnode\tper_cpu_count\n'
		for n in $( (ls /sys/kernel/irq 2>/dev/null || ls /proc/irq) | grep '^[0-9][0-9]*$' | sort -n); do
			s=/sys/kernel/irq/$n; p=/proc/irq/$n
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" \
				"$(rd $s/chip_name)" "$(rd $s/hwirq)" "$(rd $s/type)" "$(rd $s/name)" \
				"$(rd $s/actions)" "$(rd $s/wakeup)" "$(rd $p/effective_affinity_list)" \
				"$(rd $p/smp_affinity_list)" "$(rd $p/affinity_hint)" "$(rd $p/node)" \
				"$(rd $s/per_cpu_count)"
		done
	} > "$B/sysfs-irqs.tsv"
	if [ -d /sys/kernel/irq ]; then
		ok sysfs-irqs.tsv 'cat /sys/kernel/irq/N/{chip_name,hwirq,type,name,actions,wakeup,per_cpu_count} /proc/irq/N/{effective_affinity_list,smp_affinity_list,affinity_hint,node}'
	else
		ok sysfs-irqs.tsv 'cat /proc/irq/N/{effective_affinity_list,smp_affinity_list,affinity_hint,node} (no /sys/kernel/irq: kernel before 4.17 or without CONFIG_SPARSE_IRQ)'
	fi
else
	missing sysfs-irqs.tsv 'neither /sys/kernel/irq nor /proc/irq exists'
fi

# The irq domain hierarchy: debugfs, when the kernel has CONFIG_GENERIC_IRQ_DEBUGFS.
dbg=/sys/kernel/debug/irq
if [ ! -d "$dbg" ] && [ "$uid" = 0 ] && [ -d /sys/kernel/debug ] && ! grep -q ' /sys/kernel/debug ' /proc/mounts 2>/dev/null; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
fi
if [ -d "$dbg/domains" ]; then
	{
		for f in "$dbg"/domains/*; do echo "### domains/${f##*/}"; cat "$f" 2>/dev/null; done
		for n in $(ls "$dbg/irqs" | sort -n); do echo "### irqs/$n"; cat "$dbg/irqs/$n" 2>/dev/null; done
	} > "$B/debugfs-irq.txt"
	ok debugfs-irq.txt "cat $dbg/domains/* $dbg/irqs/*"
elif [ -d /sys/kernel/debug ] && [ ! -r /sys/kernel/debug ]; then
	missing debugfs-irq.txt "/sys/kernel/debug is not readable$notroot"
else
	missing debugfs-irq.txt "$dbg does not exist (debugfs not mounted, or kernel built without CONFIG_GENERIC_IRQ_DEBUGFS)"
fi

# ---- CPUs and the APIC mode -------------------------------------------------
{
	for f in possible present online; do
		echo "$f: $(cat /sys/devices/system/cpu/$f 2>/dev/null)"
	done
	echo "default_smp_affinity: $(cat /proc/irq/default_smp_affinity 2>/dev/null)"
} > "$B/cpus.txt" && ok cpus.txt 'cat /sys/devices/system/cpu/{possible,present,online} /proc/irq/default_smp_affinity'
grab /proc/cpuinfo cpuinfo.txt
{
	n=$(grep -c '^flags.* x2apic' /proc/cpuinfo 2>/dev/null)
	echo "cpuinfo x2apic flag: ${n:-0} of $(grep -c '^processor' /proc/cpuinfo 2>/dev/null) CPUs"
	[ -f "$B/dmesg.txt" ] && grep -iE 'x2apic|IR: |DMAR-IR|remapping|AMD-Vi: Interrupt remapping' "$B/dmesg.txt"
} > "$B/x2apic.txt" 2>/dev/null
if [ "$log_ok" = 1 ]; then ok x2apic.txt 'grep -c x2apic /proc/cpuinfo; grep -iE "x2apic|IR: |DMAR-IR|remapping" dmesg.txt'
else ok x2apic.txt 'grep -c x2apic /proc/cpuinfo (no kernel log to grep)'; fi

# ---- PCI --------------------------------------------------------------------
if have lspci; then
	if lspci -D -nn -vvv > "$B/lspci-vvv.txt" 2>"$tmp/err"; then
		h=""; [ "$uid" = 0 ] || h=" (capabilities of most devices need root$notroot)"
		ok lspci-vvv.txt "lspci -D -nn -vvv$h"
	else missing lspci-vvv.txt "lspci -D -nn -vvv: $(why)"; rm -f "$B/lspci-vvv.txt"; fi
	if lspci -D -nn -xxx > "$B/lspci-xxx.txt" 2>"$tmp/err"; then
		h=""; [ "$uid" = 0 ] || h=" (only the first 64 bytes of config space$notroot)"
		ok lspci-xxx.txt "lspci -D -nn -xxx$h"
	else missing lspci-xxx.txt "lspci -D -nn -xxx: $(why)"; rm -f "$B/lspci-xxx.txt"; fi
else
	missing lspci-vvv.txt 'lspci not installed (pciutils): the same facts are read from sysfs, see lspci-xxx.txt'
fi
# sysfs: the ids, the irq and the MSI irqs of each function, and (without lspci) its config
# space written as `lspci -D -n -xxx` writes it (256 bytes: the extended space can hold the
# Device Serial Number).
if [ -d /sys/bus/pci/devices ]; then
	{
		for d in /sys/bus/pci/devices/*; do
			[ -e "$d" ] || continue
			echo "### ${d##*/}"
			for f in vendor device subsystem_vendor subsystem_device class revision irq enable; do
				[ -r "$d/$f" ] && echo "$f: $(cat "$d/$f" 2>/dev/null)"
			done
			[ -e "$d/driver" ] && echo "driver: $(basename "$(readlink "$d/driver")")"
			if [ -d "$d/msi_irqs" ]; then
				for m in $(ls "$d/msi_irqs" | sort -n); do echo "msi_irq: $m $(cat "$d/msi_irqs/$m" 2>/dev/null)"; done
			fi
		done
	} > "$B/pci-sysfs.txt"
	ok pci-sysfs.txt 'cat /sys/bus/pci/devices/*/{vendor,device,class,irq,msi_irqs/*}'
	if ! have lspci; then
		short=0
		for d in /sys/bus/pci/devices/*; do
			[ -e "$d" ] || continue
			c=$(cat "$d/class" 2>/dev/null); v=$(cat "$d/vendor" 2>/dev/null); i=$(cat "$d/device" 2>/dev/null)
			c=${c#0x}; echo "${d##*/} ${c%??}: ${v#0x}:${i#0x}"
			od -An -tx1 -v -N 256 "$d/config" 2>/dev/null |
				awk '{ printf "%02x:", (NR - 1) * 16; for (i = 1; i <= NF; i++) printf " %s", $i; print "" }'
			[ "$(od -An -tx1 -v -N 256 "$d/config" 2>/dev/null | wc -l)" -ge 16 ] || short=$((short + 1))
			echo
		done > "$B/lspci-xxx.txt"
		h=""; [ "$short" = 0 ] || h=" ($short function(s) gave less than 256 bytes$notroot)"
		ok lspci-xxx.txt "sysfs /sys/bus/pci/devices/*/config written as lspci -D -n -xxx$h"
	fi
else
	missing pci-sysfs.txt '/sys/bus/pci/devices does not exist (no PCI, or sysfs not mounted)'
fi

# ---- ACPI tables ------------------------------------------------------------
for t in APIC DMAR IVRS HPET FACP SRAT; do
	f=/sys/firmware/acpi/tables/$t
	if [ ! -e "$f" ]; then
		if [ -d /sys/firmware/acpi/tables ]; then missing "acpi/$t.dat" "the firmware has no $t table"
		else missing "acpi/$t.dat" '/sys/firmware/acpi/tables does not exist (no ACPI)'; fi
	elif cat "$f" > "$B/acpi/$t.dat" 2>"$tmp/err"; then ok "acpi/$t.dat" "cat $f"
	else rm -f "$B/acpi/$t.dat"; missing "acpi/$t.dat" "cat $f: $(why)$notroot"; fi
done

# ---- personal data ----------------------------------------------------------
# MAC addresses, serial numbers (PCIe Device Serial Number, VPD [SN], USB SerialNumber) and the
# host name are replaced by markers in every text file; awk's gsub counts them.
host=$(uname -n 2>/dev/null)
case "$host" in ''|'(none)'|localhost|localhost.localdomain) host="" ;; esac
removed_mac=0; removed_serial=0; removed_host=0
if [ "$keep" = 0 ]; then
	for f in "$B"/*.txt "$B"/*.tsv; do
		[ -f "$f" ] || continue
		awk -v host="$host" -v counts="$tmp/counts" '
		BEGIN { H = "[0-9A-Fa-f][0-9A-Fa-f]" }
		{
			mac += gsub(H ":" H ":" H ":" H ":" H ":" H, "<mac>")
			serial += gsub("Device Serial Number " H "-" H "-" H "-" H "-" H "-" H "-" H "-" H, "Device Serial Number <serial>")
			if (match($0, /\[SN\] Serial number: /) || match($0, /[Ss]erial ?[Nn]umber[:=] */)) {
				rest = substr($0, RSTART + RLENGTH)
				if (rest != "" && rest != "<serial>") { $0 = substr($0, 1, RSTART + RLENGTH - 1) "<serial>"; serial++ }
			}
			if (host != "") {
				line = ""
				# Only the name as a word ("vm" is not replaced in "kvm" nor "vmx").
				while ((i = index($0, host)) > 0) {
					pre = substr($0, i - 1, 1); post = substr($0, i + length(host), 1)
					if ((i == 1 || pre !~ /[A-Za-z0-9_.-]/) && post !~ /[A-Za-z0-9_-]/) { line = line substr($0, 1, i - 1) "<hostname>"; hosts++ }
					else line = line substr($0, 1, i - 1 + length(host))
					$0 = substr($0, i + length(host))
				}
				$0 = line $0
			}
			print
		}
		END { print mac + 0, serial + 0, hosts + 0 >> counts }' "$f" > "$f.clean" && mv "$f.clean" "$f"
	done
	if [ -f "$tmp/counts" ]; then
		set -- $(awk '{ m += $1; s += $2; h += $3 } END { print m + 0, s + 0, h + 0 }' "$tmp/counts")
		removed_mac=$1; removed_serial=$2; removed_host=$3
	fi
fi

# ---- MANIFEST and the bundle -------------------------------------------------
{
	echo "# irqlab machine bundle 1"
	echo "# collected $(date -u '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null) by irqlab collect.sh as uid $uid${notroot:+; not root: some items are missing or partial}"
	echo "# status<TAB>file<TAB>how it was collected, or why it is missing"
	cat "$M"
	if [ "$keep" = 1 ]; then
		printf 'kept\tpersonal\t--keep-personal: MAC addresses, serial numbers and the host name are left in\n'
	else
		printf 'removed\tmac-address\t%s\n' "$removed_mac"
		printf 'removed\tserial-number\t%s\n' "$removed_serial"
		printf 'removed\thostname\t%s\n' "$removed_host"
	fi
} > "$B/MANIFEST"

case "$out" in /*) dest=$out ;; *) dest=$(pwd)/$out ;; esac
if (cd "$tmp" && tar -cf - machine-bundle) | gzip -9 > "$dest.part" && mv "$dest.part" "$dest"; then
	echo "collect: wrote $out ($(grep -c '^ok' "$M") items, $(grep -c '^missing' "$M") missing: see its MANIFEST)" >&2
else
	rm -f "$dest.part"; echo "collect: could not write $out" >&2; exit 1
fi
