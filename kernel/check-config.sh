#!/bin/bash
# Check that every symbol kernel/tna.config sets (=y or a value) has that
# value in a final .config, and that every "# CONFIG_X is not set" of it is
# unset there.  Lists what is missing or different and exits 1 then; exits
# 0 when all match.
#   usage: kernel/check-config.sh FRAGMENT DOTCONFIG
set -u
frag=${1:?usage: check-config.sh FRAGMENT DOTCONFIG}
dotconfig=${2:?usage: check-config.sh FRAGMENT DOTCONFIG}
bad=0
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		sym=${BASH_REMATCH[1]} want=
	else
		continue
	fi
	got=$(grep -m1 "^$sym=" "$dotconfig" | cut -d= -f2-)
	if [[ $got != "$want" ]]; then
		echo "check-config: $sym ${want:+=}${want:-unset} wanted, got ${got:-unset}" >&2
		bad=1
	fi
done < "$frag"
exit $bad
