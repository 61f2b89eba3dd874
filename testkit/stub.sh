#!/bin/sh
# Stands in for a command (dnf, systemctl, cfn-signal, docker, ...) in the
# jest tests and the end-to-end run: appends its name and arguments to
# $STUB_LOG, fields separated by the unit separator (0x1f), calls by the
# record separator (0x1e); then exits 1 if $STUB_FAILING names it, else 0.
name="${0##*/}"
{
  printf '%s' "$name"
  for arg in "$@"; do
    printf '\037%s' "$arg"
  done
  printf '\036'
} >>"$STUB_LOG"
[ "$name" != "${STUB_FAILING:-}" ]
