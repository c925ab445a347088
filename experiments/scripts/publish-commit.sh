#!/usr/bin/env bash
# Builds the nasprune of one commit into a folder (dotnet publish from a temporary git worktree), unless it is
# there already: how pinned binaries (bin-<commit>) are made again on a new machine.
#   experiments/scripts/publish-commit.sh COMMIT FOLDER
set -euo pipefail
commit=${1:?usage: publish-commit.sh COMMIT FOLDER}; folder=${2:?usage: publish-commit.sh COMMIT FOLDER}
[ -f "$folder/nasprune.dll" ] && exit 0
git cat-file -e "$commit^{commit}" 2>/dev/null || { echo "publish-commit: $commit is no commit of this repository" >&2; exit 2; }
worktree=$(mktemp -d)/nasprune-$commit
git worktree add --detach "$worktree" "$commit" >/dev/null
echo "publish-commit: building $folder/nasprune.dll from commit $commit"
dotnet publish "$worktree/experiments" -c Release -o "$folder" > "$worktree.publish.log" 2>&1 \
  || { echo "publish-commit: build of $commit failed; see $worktree.publish.log" >&2; exit 1; }
git worktree remove --force "$worktree"
