#!/bin/sh
# Dialtone: answer to dialtone.local as well as to the box's own name.
#
# Each box is named dialtone-XXXX (dialtone-data.service), so two boxes on one
# network never clash; avahi publishes that name. The README and the quick start
# say "open http://dialtone.local", so this also publishes dialtone.local (an
# mDNS address record, avahi-publish) for the box's current IPv4 address, and
# again whenever the address changes (checked every 10 s). When another box
# already holds dialtone.local, avahi reports the collision and that box keeps
# it: each box still answers to its own dialtone-XXXX.local.
set -u
last=
pid=
while :; do
	addr=$(ip -4 -o route get 224.0.0.251 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
	if [ "$addr" != "$last" ] || { [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; }; then
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
		pid=
		if [ -n "$addr" ]; then
			avahi-publish --address --no-reverse dialtone.local "$addr" &
			pid=$!
		fi
		last=$addr
	fi
	sleep 10
done
