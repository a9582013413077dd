#!/bin/sh
# isoenv's launcher for Ray workers. Ray's runtime_env ships a folder that holds this script and env.tar.gz (an
# environment that isoenv packed) to every node and starts each worker in that folder:
#     runtime_env={"working_dir": "<folder>", "py_executable": "sh isoenv-ray-python.sh"}
# The first worker of a node unpacks the archive beside it (into a hidden folder, then renamed into place, so workers
# that start together never see half an environment); every worker then runs the environment's python.
set -eu
here=$(pwd -P)
if [ ! -d "$here/env" ]; then
    part=$(mktemp -d "$here/.env.XXXXXX")
    tar -xzf "$here/env.tar.gz" -C "$part"
    mv -T "$part" "$here/env" 2>/dev/null || rm -rf "$part"
fi
exec "$here/env/bin/python" "$@"
