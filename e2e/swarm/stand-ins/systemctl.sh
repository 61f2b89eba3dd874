#!/bin/sh
# Stands in for systemctl on a swarm node of the end-to-end run: records the
# call like the other stubs, and when Docker is started, gives the node's
# engine the labels of /etc/docker/daemon.json as systemd's start would
# (dockerd reads its labels again on SIGHUP), then waits until it has them.
set -eu
"$E2E_STUB" "$@"
case " $* " in
  *" docker "*)
    [ -f /etc/docker/daemon.json ] || exit 0
    "$E2E_NODE" -e '
      const fs = require("node:fs");
      const [own, given] = process.argv.slice(1);
      const config = JSON.parse(fs.readFileSync(own, "utf8"));
      config.labels = JSON.parse(fs.readFileSync(given, "utf8")).labels ?? [];
      fs.writeFileSync(own, JSON.stringify(config) + "\n");
    ' "$E2E_ENGINE_CONFIG" /etc/docker/daemon.json
    kill -HUP "$(cat "$E2E_ENGINE_PID")"
    want=$("$E2E_NODE" -e 'console.log((JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).labels ?? []).sort().join(","))' /etc/docker/daemon.json)
    for _ in $(seq 1 50); do
      have=$(docker info --format '{{join .Labels ","}}' | tr ',' '\n' | sort | paste -sd, -)
      [ "$have" = "$want" ] && exit 0
      sleep 0.2
    done
    echo "systemctl stand-in: dockerd did not take the labels $want (has $have)" >&2
    exit 1
    ;;
esac
