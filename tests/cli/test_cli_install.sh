#!/bin/bash
# make install DESTDIR=... and the Debian package (make deb, from the
# existing build) install every tool with its man page and completion:
#  - the installed tools run and report the build's version;
#  - every man page renders and has the sections of ip-link(8): NAME,
#    SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES, SEE ALSO
#    (tna-deploy also FILES); man finds them by name in the tree;
#  - bash completion loads under each tool's name and completes options,
#    targets and namespaces;
#  - the systemd units run the installed binary, the template passes
#    --netns %i, and what Documentation= names is installed;
#  - the package installs cleanly into a scratch root (dpkg --root, its
#    own database; maintainer scripts run) and removes cleanly.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
BUILD=${BUILD:-build}
T=$(mktemp -d); on_exit "rm -rf $T"
TOOLS=(tna-deploy tna-stat tna-probe tna-introspect)
want=$(cat VERSION)
command -v dpkg-deb >/dev/null || skip "dpkg-deb missing (make deps)"
command -v scdoc >/dev/null || skip "scdoc missing (make deps)"

check_tree() {	# ROOT SBIN MANDIR COMPL UNITDIR DOCDIR
	local r=$1 sbin=$2 man=$3 comp=$4 units=$5 doc=$6 t s out page
	for t in "${TOOLS[@]}"; do
		out=$("$r$sbin/$t" --version) || fail "$r$sbin/$t --version: exit $?"
		[[ $out == "$t $want"* ]] || fail "$t --version: $out"
		page=$(ls "$r$man/man8/$t.8"* 2>/dev/null) || fail "no man page for $t in $r$man/man8"
		MANWIDTH=80 man -l "$page" >"$T/page" 2>/dev/null || fail "man -l $page"
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -q "^$s\$" "$T/page" || fail "$t(8) has no $s section"
		done
		grep -q "^       $t - " "$T/page" || fail "$t(8): NAME line"
		grep -q -- "--version" "$T/page" || fail "$t(8) does not document --version"
		MANPATH=$r$man man -w "$t" | grep -q "^$r$man/man8/$t.8" || fail "man -w $t in $r$man"
		[[ -e $r$comp/$t ]] || fail "no completion for $t in $r$comp"
	done
	grep -q "^FILES$" <(MANWIDTH=80 man -l "$(ls "$r$man/man8/tna-deploy.8"*)") ||
		fail "tna-deploy(8) has no FILES section"
	ls "$r$man/man7/tna.7"* >/dev/null || fail "no tna(7)"
	# completion: loads under each name, completes
	bash -c "
		source '$r$comp/tna-deploy' || exit 1
		complete -p tna-deploy tna-stat tna-probe tna-introspect >/dev/null || exit 2
		COMP_WORDS=(tna-deploy --sta); COMP_CWORD=1; _tna
		[[ \${COMPREPLY[*]} == --status ]] || exit 3
		COMP_WORDS=(tna-deploy -t n); COMP_CWORD=2; _tna
		[[ \${COMPREPLY[*]} == native ]] || exit 4
		COMP_WORDS=(tna-stat -n ''); COMP_CWORD=2; _tna
		[[ \" \${COMPREPLY[*]} \" == *' $TNA_NS-c '* ]] || exit 5
		COMP_WORDS=(tna-stat --prom); COMP_CWORD=1; _tna
		[[ \${COMPREPLY[*]} == --prometheus ]] || exit 6
	" || fail "bash completion from $r$comp: step $?"
	# units
	grep -qx "ExecStart=$sbin/tna-deploy \$TNA_DEPLOY_ARGS" "$r$units/tna-deploy.service" ||
		fail "tna-deploy.service: $(grep ExecStart "$r$units/tna-deploy.service")"
	grep -qx "ExecStart=$sbin/tna-deploy --netns %i \$TNA_DEPLOY_ARGS" "$r$units/tna-deploy@.service" ||
		fail "tna-deploy@.service: $(grep ExecStart "$r$units/tna-deploy@.service")"
	for u in tna-deploy.service tna-deploy@.service; do
		for d in $(sed -n 's/^Documentation=//p' "$r$units/$u"); do
			case $d in
			man:*) p=${d#man:}; n=${p%(*}; sec=${p#*(}; sec=${sec%)}
			       ls "$r$man/man$sec/$n.$sec"* >/dev/null 2>&1 || fail "$u: $d not installed" ;;
			file://*) [[ -f $r${d#file://} ]] || fail "$u: $d not installed" ;;
			*) fail "$u: Documentation=$d" ;;
			esac
		done
		if command -v systemd-analyze >/dev/null; then
			systemd-analyze verify --man=no "$r$units/$u" 2>&1 | grep -v "Failed to resolve\|\.mount\|is not executable" |
				grep -i "error\|unknown" && fail "systemd-analyze verify $u"
		fi
	done
	[[ -f $r$doc/README.md && -f $r$doc/docs/metrics.md ]] || fail "docs not in $r$doc"
}

ns c >/dev/null	# a namespace for the completion to offer

# 1. make install DESTDIR=... PREFIX=/usr/local (the default)
make --no-print-directory BUILD="$BUILD" install DESTDIR="$T/inst" >"$T/make.log" 2>&1 ||
	fail "make install: $(tail -5 "$T/make.log")"
check_tree "$T/inst" /usr/local/sbin /usr/local/share/man /usr/local/share/bash-completion/completions \
	/usr/local/lib/systemd/system /usr/local/share/doc/tna
[[ -f $T/inst/etc/default/tna-deploy ]] || fail "no /etc/default/tna-deploy"
echo "ok: make install DESTDIR: tools, man pages, completion, units, docs"

# 2. the Debian package
make --no-print-directory BUILD="$BUILD" deb >"$T/deb.log" 2>&1 || fail "make deb: $(tail -5 "$T/deb.log")"
deb=$(ls "$BUILD"/deb/tna_"$want"-1_*.deb) || fail "no .deb in $BUILD/deb"
dpkg-deb -f "$deb" Package Version Depends | tee "$T/fields"
grep -q "^Version: $want-1$" "$T/fields" || fail "package version"
grep -q "libbpf1" "$T/fields" || fail "Depends lacks libbpf1"
dpkg-deb -x "$deb" "$T/x" || fail "dpkg -x"
check_tree "$T/x" /usr/sbin /usr/share/man /usr/share/bash-completion/completions \
	/lib/systemd/system /usr/share/doc/tna
echo "ok: dpkg -x: the same tree under /usr"

# installed into a scratch root by dpkg, with a database holding only
# the packages tna depends on (copied from this system's)
R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/usr/bin" "$R/tmp"
for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//' | xargs); do
	dpkg-query -s "$p" >>"$R/var/lib/dpkg/status" || fail "dependency $p not installed here"
	echo >>"$R/var/lib/dpkg/status"
	: >"$R/var/lib/dpkg/info/$(dpkg-query -W -f='${binary:Package}' "$p").list"	# none of its files here
done
dpkg --root="$R" --force-script-chrootless --log=/dev/null -i "$deb" >"$T/dpkg.log" 2>&1 ||
	fail "dpkg --root -i: $(cat "$T/dpkg.log")"
grep -qi "warning\|error" "$T/dpkg.log" && fail "dpkg -i: $(grep -i 'warning\|error' "$T/dpkg.log")"
[[ $(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' tna) == "install ok installed" ]] ||
	fail "not installed: $(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' tna)"
check_tree "$R" /usr/sbin /usr/share/man /usr/share/bash-completion/completions \
	/lib/systemd/system /usr/share/doc/tna
dpkg --root="$R" --force-script-chrootless --log=/dev/null -r tna >"$T/dpkg.log" 2>&1 ||
	fail "dpkg -r: $(cat "$T/dpkg.log")"
left=$(cd "$R" && find . -type f ! -path './var/lib/dpkg/*' | sort)
[[ $left == "./etc/default/tna-deploy" ]] || fail "after dpkg -r: $left"
dpkg --root="$R" --force-script-chrootless --log=/dev/null -P tna >"$T/dpkg.log" 2>&1 ||
	fail "dpkg -P: $(cat "$T/dpkg.log")"
[[ ! -e $R/etc/default/tna-deploy ]] || fail "purge left the conffile"
echo "ok: dpkg --root installs, removes (conffile kept) and purges cleanly"
echo "all checks passed"
