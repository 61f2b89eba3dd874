#!/bin/sh
# Stands in for ec2-metadata on a swarm node of the end-to-end run: the
# node's address and instance id from $E2E_NODE_ADDRESS and $E2E_INSTANCE_ID.
case "$1" in
  --local-ipv4) echo "local-ipv4: $E2E_NODE_ADDRESS" ;;
  --instance-id) echo "instance-id: $E2E_INSTANCE_ID" ;;
  *) echo "ec2-metadata stand-in: unknown option $1" >&2; exit 1 ;;
esac
