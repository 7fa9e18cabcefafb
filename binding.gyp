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
    }
  ]
}
