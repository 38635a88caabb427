# apt-private.sh, sourced by fetch-deb.sh and fetch-kernel.sh:
#   apt_setup DEBARCH SUITE DIR
# sets apt_opts (the apt-get options to download DEBARCH's packages from
# SUITE, the host's own suite when empty) and private (1 when those name a
# private package list), and takes the lock on fd 9 that serialises apt on
# that list, then fills the list if it is empty. A foreign architecture or
# another suite gets a private list in DIR, so the host's apt
# configuration stays untouched; another suite is named on the Debian
# mirror the host's apt sources name (debian-mirror.sh) and verified by
# the installed archive keyring. Several fetches of one list share it.
apt_setup() {
	_debarch=$1 _suite=$2 _dir=$3
	apt_opts=""
	# As root, apt would warn that its _apt sandbox user cannot write here.
	[ "$(id -u)" = 0 ] && apt_opts="-oAPT::Sandbox::User=root"
	private=
	if [ "$_debarch" != "$(dpkg --print-architecture)" ]; then
		private=1
		apt_opts="$apt_opts -oAPT::Architecture=$_debarch -oAPT::Architectures=$_debarch"
	fi
	if [ -n "$_suite" ]; then
		private=1
		_mirror=$("$(dirname "$0")/debian-mirror.sh")
		_sources=$_dir/apt-sources-$_suite-$_debarch.list
		# Written whole and renamed: another fetch may be reading it.
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $_mirror $_suite main" \
			>"$_sources.$$"
		mv "$_sources.$$" "$_sources"
		apt_opts="$apt_opts -oDir::Etc::SourceList=$_sources -oDir::Etc::SourceParts=/dev/null"
	fi
	_lock=/tmp/bootshim-apt-host.lock
	if [ -n "$private" ]; then
		apt_lists=$_dir/apt-lists-${_suite:+$_suite-}$_debarch
		mkdir -p "$apt_lists/partial"
		apt_opts="$apt_opts -oDir::State::Lists=$apt_lists"
		_lock=$apt_lists.lock
	fi
	# make -j runs several fetches at once: one apt at a time per package
	# list, or the second fails on apt's own lock (exit 100).
	exec 9>"$_lock"
	flock 9
	if [ -n "$private" ]; then
		[ -n "$(ls "$apt_lists" | grep -v partial)" ] || apt-get $apt_opts update >/dev/null
	fi
}
