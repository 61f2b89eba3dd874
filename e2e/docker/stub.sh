#!/bin/sh
# Stands in for dnf, systemctl and cfn-signal on the Docker host of the
# end-to-end run: appends its name and arguments to $E2E_STUB_LOG, fields
# separated by the unit separator (0x1f), calls by the record separator (0x1e).
{
  printf '%s' "${0##*/}"
  for arg in "$@"; do
    printf '\037%s' "$arg"
  done
  printf '\036'
} >>"$E2E_STUB_LOG"
