#!/bin/sh
# cmdline-allow.sh IN OUT: check CMDLINE_ALLOW (as make wrote it to IN, with
# a final newline) and write it to OUT as the shim embeds it (.allow): the
# words separated by one space, no newline. A word is an exact kernel
# command-line word, or '^' and a prefix. Refused, naming the value and the
# word: an empty prefix ('^' alone would allow every word), '^' other than
# first, characters outside printable ASCII, and '"' or '\' (kernel quoting
# would let an allowed word carry spaces, so others, with it).
set -eu
in=$1 out=$2
value=$(cat "$in")
fail() {
	printf "bootshim: error: CMDLINE_ALLOW='%s': %s\n" "$value" "$*" >&2
	exit 1
}
words=
# Split on spaces only: a tab or newline is a bad character, not a separator.
rest=$value
while [ -n "$rest" ]; do
	w=${rest%% *}
	if [ "$w" = "$rest" ]; then rest=; else rest=${rest#* }; fi
	[ -n "$w" ] || continue
	bad=$(printf '%s' "$w" | LC_ALL=C tr -d '!#-[]-~' | LC_ALL=C od -An -tx1 | tr -s ' ' | head -c 48)
	[ -z "$bad" ] || fail "word '$w' has bytes that are not printable ASCII, or a quote or backslash (hex:$bad)"
	case $w in
	^) fail "word '^' is an empty prefix (it would allow every word)" ;;
	?*^*) fail "word '$w' has '^' after its start (only a first '^' means a prefix)" ;;
	esac
	words="$words${words:+ }$w"
done
printf '%s' "$words" >"$out.tmp"
if cmp -s "$out.tmp" "$out" 2>/dev/null; then rm -f "$out.tmp"; else mv "$out.tmp" "$out"; fi
