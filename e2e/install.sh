#!/bin/bash
# Installs what the end-to-end run needs on a Debian machine: Docker's engine
# and client, debootstrap for the memcached image, and the network and
# namespace tools, plus any packages named as arguments. Run as root; installs
# only what is missing, without asking.
# Usage: install.sh [PACKAGE ...]
set -euo pipefail

packages=(docker.io debootstrap iproute2 iptables util-linux mount tar "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
