# Native addons, built by node-gyp (`npm run build:native`; npm also runs
# `node-gyp rebuild` by itself on `npm ci` / `npm install` / `npm rebuild`,
# because the root package has a binding.gyp and no install script).
# Output: build/Release/<target_name>.node
{
  "targets": [
    {
      # systemd notification over the NOTIFY_SOCKET unix datagram socket.
      "target_name": "sd_notify",
      "sources": ["src/systemd/native/sd_notify.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
      "cflags_c": ["-std=gnu11"]
    },
    {
      # ALSA PCM capture and playback, one I/O thread per stream (audio/alsa/).
      # Needs libasound2-dev (headers, and pkg-config's alsa.pc).
      "target_name": "alsa_pcm",
      "sources": ["audio/alsa/native/alsa_pcm.c", "audio/alsa/native/stream.c", "audio/alsa/native/stream_io.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Werror=implicit-function-declaration", "-pthread", "<!@(pkg-config --cflags alsa)"],
      "cflags_c": ["-std=gnu11"],
      "libraries": ["<!@(pkg-config --libs alsa)", "-pthread"]
    }
  ]
}
