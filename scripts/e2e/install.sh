#!/bin/bash
# Installs what the end-to-end run needs on a Debian machine: Docker's engine
# and client, debootstrap for the memcached image, and the network and
# namespace tools. Run as root; installs only what is missing.
set -euo pipefail

packages=(docker.io debootstrap iproute2 iptables util-linux mount tar)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
