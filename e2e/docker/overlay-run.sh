#!/bin/bash
# Runs a user data script as root with the named system folders behind
# overlays, so what the script writes there lands under UPPER_ROOT and the
# machine's own files stay as they were. Run it in a mount namespace of its
# own (unshare --mount --propagation private): the overlays end with it.
# Usage: overlay-run.sh UPPER_ROOT SCRIPT DIR...
set -euo pipefail
upper_root=$1
script=$2
shift 2
for dir in "$@"; do
  [ -d "$dir" ] || continue
  mkdir -p "$upper_root$dir/upper" "$upper_root$dir/work"
  mount -t overlay e2e-user-data -o "lowerdir=$dir,upperdir=$upper_root$dir/upper,workdir=$upper_root$dir/work" "$dir"
done
exec "$script"
