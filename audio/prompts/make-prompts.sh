#!/bin/sh
# Renders the announcements the box plays (8 kHz, 16-bit, mono WAV, peak at -3 dBFS)
# from their text with espeak-ng and sox (Debian packages espeak-ng and sox). The WAV
# files are committed, so the device needs neither; run this again after changing a text.
set -eu
cd "$(dirname "$0")"
render() {
  espeak-ng -v en-us -s 145 -w "$1.tmp.wav" "$2"
  sox "$1.tmp.wav" -r 8000 -c 1 -b 16 -e signed-integer "$1.wav" gain -n -3 pad 0.3 0.5
  rm -f "$1.tmp.wav"
}
render unknown-caller "The person you are calling does not take calls from unknown numbers. Goodbye."
render test-call "This is the Dialtone test call. Your phone rings and you can hear. Now say something: you will hear yourself for ten seconds."
render leave-message "The person you are calling does not take calls from unknown numbers. Please leave a message after the tone."
